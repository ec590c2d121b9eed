import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES, ipcChannel } from '../../../shared/api/contract';
import { FakeBrowserWindow, FakeEmitter, FakeSession, FakeWebContents } from './fakes';

/** The electron module as main.ts sees it, rebuilt before each test; `order` records start-up order. */
const env = vi.hoisted(() => ({
  order: [] as string[],
  lock: true,
  electron: {} as Record<string, unknown>,
  storeOptions: [] as unknown[],
}));

// Getters, so each test's fresh fakes are what a fresh import of main.ts picks up.
vi.mock('electron', () => ({
  get app() {
    return env.electron.app;
  },
  get BrowserWindow() {
    return env.electron.BrowserWindow;
  },
  get session() {
    return env.electron.session;
  },
  get ipcMain() {
    return env.electron.ipcMain;
  },
  get protocol() {
    return env.electron.protocol;
  },
  get Notification() {
    return env.electron.Notification;
  },
}));
vi.mock('electron-store', () => ({
  default: class {
    private readonly data = new Map<string, unknown>();
    constructor(options: unknown) {
      env.storeOptions.push(options);
    }
    get(key: string): unknown {
      return this.data.get(key);
    }
    set(key: string, value: unknown): void {
      this.data.set(key, value);
    }
  },
}));

class FakeApp extends FakeEmitter {
  isPackaged = true;
  enableSandbox = vi.fn(() => env.order.push('enableSandbox'));
  requestSingleInstanceLock = vi.fn(() => env.lock);
  quit = vi.fn();
  exit = vi.fn();
  getVersion = () => '9.9.9';
  whenReady = vi.fn(() => {
    env.order.push('whenReady');
    return Promise.resolve();
  });
}

let app: FakeApp;
let session: FakeSession;
let ipcHandlers: Map<string, unknown>;
let protocolHandlers: Map<string, unknown>;

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

async function startMain(): Promise<void> {
  vi.resetModules();
  await import('../../../main/app/main');
  await flush();
}

beforeEach(() => {
  env.order = [];
  env.lock = true;
  env.storeOptions = [];
  FakeBrowserWindow.instances = [];
  app = new FakeApp();
  session = new FakeSession();
  ipcHandlers = new Map();
  protocolHandlers = new Map();
  env.electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    session: { defaultSession: session },
    ipcMain: { handle: (channel: string, listener: unknown) => ipcHandlers.set(channel, listener) },
    Notification: class {
      static isSupported = () => false;
    },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(() => env.order.push('registerSchemesAsPrivileged')),
      handle: (scheme: string, handler: unknown) => protocolHandlers.set(scheme, handler),
    },
  };
});

describe('main.ts wiring', () => {
  it('registers app:// and enables the sandbox before the app is ready', async () => {
    await startMain();
    expect(env.order.indexOf('registerSchemesAsPrivileged')).toBeGreaterThanOrEqual(0);
    expect(env.order.indexOf('enableSandbox')).toBeGreaterThanOrEqual(0);
    expect(env.order.indexOf('registerSchemesAsPrivileged')).toBeLessThan(env.order.indexOf('whenReady'));
    expect(env.order.indexOf('enableSandbox')).toBeLessThan(env.order.indexOf('whenReady'));
  });

  it('once ready: one hardened window, app:// served, every call on IPC, permissions denied', async () => {
    await startMain();
    expect(app.requestSingleInstanceLock).toHaveBeenCalledTimes(1);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.loadedUrl).toBe('app://entente/index.html');
    expect(win.contentProtection).toBe(true);
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs.preload).toMatch(/main[\\/]app[\\/]preload\.cjs$/);
    expect(prefs.devTools).toBe(false);
    expect([...protocolHandlers.keys()]).toEqual(['app']);
    expect([...ipcHandlers.keys()].sort()).toEqual(CALL_NAMES.map(ipcChannel).sort());
    expect(session.permissionRequestHandler).not.toBeNull();
    expect(session.permissionCheckHandler?.(null, 'media', 'app://entente', {})).toBe(false);
    expect(env.storeOptions).toEqual([expect.objectContaining({ name: 'preferences', configFileMode: 0o600 })]);
  });

  it('answers IPC from the window in Electron mode with the app version', async () => {
    await startMain();
    const win = FakeBrowserWindow.instances[0]!;
    const handler = ipcHandlers.get(ipcChannel('appInfo')) as (event: unknown, input: unknown) => Promise<unknown>;
    const fromWindow = {
      sender: { id: win.webContents.id },
      senderFrame: { url: 'app://entente/index.html', origin: 'app://entente', parent: null },
    };
    await expect(handler(fromWindow, {})).resolves.toEqual({
      ok: true,
      value: { name: 'Entente', version: '9.9.9', mode: 'electron', platform: process.platform },
    });
    const fromElsewhere = { ...fromWindow, sender: { id: win.webContents.id + 1000 } };
    await expect(handler(fromElsewhere, {})).resolves.toMatchObject({ ok: false, error: { code: 'forbidden_origin' } });
  });

  it('guards every webContents Electron creates', async () => {
    await startMain();
    const stray = new FakeWebContents();
    app.emit('web-contents-created', {}, stray);
    expect(stray.emit('will-navigate', { url: 'https://evil.example/' }).defaultPrevented).toBe(true);
    expect(stray.emit('will-attach-webview').defaultPrevented).toBe(true);
    expect(stray.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('brings the first window forward when a second instance starts', async () => {
    await startMain();
    const win = FakeBrowserWindow.instances[0]!;
    win.minimized = true;
    app.emit('second-instance');
    expect(win.minimized).toBe(false);
    expect(win.focused).toBe(1);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('holds the first quit until the open profile is locked, then quits', async () => {
    await startMain();
    const first = app.emit('before-quit');
    expect(first.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
    expect(app.emit('before-quit').defaultPrevented).toBe(false);
  });

  it('quits at once, opening nothing, when another instance holds the lock', async () => {
    env.lock = false;
    await startMain();
    expect(app.quit).toHaveBeenCalled();
    expect(app.whenReady).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    expect(ipcHandlers.size).toBe(0);
  });
});
