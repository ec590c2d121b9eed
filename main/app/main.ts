import { join } from 'node:path';
import { app, ipcMain, Notification, protocol, session, type BrowserWindow } from 'electron';
import type { Logger } from '../core/dispatch';
import { Service } from '../core/service';
import { forwardAppEvents } from './app-events';
import { openElectronPrefsStore } from './electron-prefs-store';
import { registerIpcHandlers } from './ipc';
import { guardWebContents } from './navigation';
import { denyAllPermissions } from './permissions';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { createMainWindow } from './window';

// Electron entry point: wiring only. Everything with a decision in it lives in the modules above.
// Built to dist/main/app/main.js, next to preload.cjs; the renderer is in dist/renderer.

const log: Logger = (event, fields = {}) => console.warn(JSON.stringify({ event, ...fields }));

// Both must happen before `ready`: Chromium fixes scheme privileges and the sandbox at start-up.
registerAppScheme(protocol);
app.enableSandbox();

let mainWindow: BrowserWindow | null = null;
let service: Service | null = null;
let quitting = false;

function start(): void {
  const here = import.meta.dirname;
  denyAllPermissions(session.defaultSession);
  handleAppProtocol(protocol, join(here, '..', '..', 'renderer'));
  const prefs = openElectronPrefsStore((message) => log('prefs_problem', { message }));
  service = new Service({ version: app.getVersion(), mode: 'electron', platform: process.platform, prefs });
  const events = service;
  forwardAppEvents({
    subscribe: (listener) => events.onEvent(listener),
    window: () => mainWindow,
    notify: Notification.isSupported() ? (options) => new Notification(options) : null,
    lang: () => prefs.read().language,
  });
  registerIpcHandlers(ipcMain, service, () => mainWindow?.webContents ?? null, log);
  mainWindow = createMainWindow({
    preloadPath: join(here, 'preload.cjs'),
    devTools: !app.isPackaged,
    onLoadFailed: () => log('window_load_failed'),
  });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
}

if (!app.requestSingleInstanceLock()) {
  // Another Entente is running for this user; it is told through `second-instance` and comes forward.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));
  app.on('window-all-closed', () => app.quit());
  // Lock the open profile (final audit checkpoint, keys wiped) before the process goes.
  app.on('before-quit', (event) => {
    if (quitting || service === null) return;
    event.preventDefault();
    quitting = true;
    void service.shutdown().finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      log('startup_failed', { error: err instanceof Error ? err.name : 'unknown' });
      app.exit(1);
    });
}
