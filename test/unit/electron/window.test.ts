import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Session, WebContents } from 'electron';
import { FakeBrowserWindow, FakeSession, FakeWebContents, PERMISSIONS } from './fakes';

vi.mock('electron', () => ({ BrowserWindow: FakeBrowserWindow }));

const { createMainWindow } = await import('../../../main/app/window');
const { guardWebContents } = await import('../../../main/app/navigation');
const { denyAllPermissions, isAllowedRequestUrl } = await import('../../../main/app/permissions');

const asContents = (c: FakeWebContents) => c as unknown as WebContents;

describe('the main window', () => {
  let win: FakeBrowserWindow;
  beforeEach(() => {
    FakeBrowserWindow.instances = [];
    createMainWindow({ preloadPath: '/opt/entente/dist/main/app/preload.cjs', devTools: false });
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    win = FakeBrowserWindow.instances[0]!;
  });

  it('is created with the hardened webPreferences', () => {
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      preload: '/opt/entente/dist/main/app/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      experimentalFeatures: false,
      devTools: false,
    });
    expect(prefs.allowRunningInsecureContent).not.toBe(true);
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(String(prefs.disableBlinkFeatures)).toContain('Auxclick');
    expect(prefs.additionalArguments).toBeUndefined();
    expect(prefs.partition).toBeUndefined();
  });

  it('turns content protection on and loads the app:// entry page, never file://', () => {
    expect(win.contentProtection).toBe(true);
    expect(win.loadedUrl).toBe('app://entente/index.html');
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });

  it('denies new windows and webviews', () => {
    for (const url of ['https://evil.example/', 'app://entente/index.html', 'about:blank']) {
      expect(win.webContents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(win.webContents.emit('will-attach-webview').defaultPrevented).toBe(true);
  });

  it('denies navigation away from the app page', () => {
    const c = win.webContents;
    for (const url of [
      'https://evil.example/',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'app://other/index.html',
      'app://entente/other.html',
      'app://entente@evil/index.html',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(c.emit('will-navigate', { url }).defaultPrevented, url).toBe(true);
      expect(c.emit('will-redirect', { url }).defaultPrevented, url).toBe(true);
      expect(c.emit('will-frame-navigate', { url, isMainFrame: true }).defaultPrevented, url).toBe(true);
    }
  });

  it('lets the main frame reload its own entry page but no subframe navigate at all', () => {
    const c = win.webContents;
    expect(c.emit('will-navigate', { url: 'app://entente/index.html' }).defaultPrevented).toBe(false);
    expect(c.emit('will-frame-navigate', { url: 'app://entente/index.html', isMainFrame: true }).defaultPrevented).toBe(false);
    expect(c.emit('will-frame-navigate', { url: 'app://entente/index.html', isMainFrame: false }).defaultPrevented).toBe(true);
  });
});

describe('guardWebContents (applied to every webContents)', () => {
  it('installs every guard on a webContents it did not create', () => {
    const c = new FakeWebContents();
    guardWebContents(asContents(c));
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      expect(c.count(event), event).toBe(1);
    }
    expect(c.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(c.emit('will-navigate', { url: 'https://evil.example/' }).defaultPrevented).toBe(true);
  });
});

describe('session permissions', () => {
  let ses: FakeSession;
  beforeEach(() => {
    ses = new FakeSession();
    denyAllPermissions(ses as unknown as Session);
  });

  it('denies every permission request', () => {
    for (const permission of PERMISSIONS) {
      const callback = vi.fn();
      ses.permissionRequestHandler?.({}, permission, callback, { requestingUrl: 'app://entente/index.html' });
      expect(callback, permission).toHaveBeenCalledExactlyOnceWith(false);
    }
  });

  it('answers every permission check and device request with no, even for our own origin', () => {
    for (const permission of PERMISSIONS) {
      expect(ses.permissionCheckHandler?.(null, permission, 'app://entente', {}), permission).toBe(false);
    }
    expect(ses.devicePermissionHandler?.({ deviceType: 'usb', origin: 'app://entente' })).toBe(false);
  });

  it('cancels downloads', () => {
    expect(ses.emit('will-download').defaultPrevented).toBe(true);
  });

  it('lets the session load only the app and local schemes', () => {
    const decide = (url: string) => {
      const callback = vi.fn();
      ses.beforeRequest?.({ url }, callback);
      return callback.mock.calls[0]?.[0] as { cancel: boolean };
    };
    expect(decide('app://entente/assets/main.js')).toEqual({ cancel: false });
    expect(decide('devtools://devtools/bundled/inspector.html')).toEqual({ cancel: false });
    for (const url of ['https://cdn.example/x.js', 'http://127.0.0.1:9/', 'ws://127.0.0.1:1/', 'file:///etc/passwd', 'app://other/x', 'bogus']) {
      expect(decide(url), url).toEqual({ cancel: true });
      expect(isAllowedRequestUrl(url), url).toBe(false);
    }
  });
});
