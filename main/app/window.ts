import { BrowserWindow } from 'electron';
import { APP_ENTRY_URL } from './app-origin';
import { guardWebContents } from './navigation';

export interface MainWindowOptions {
  /** Absolute path of the built, bundled preload (dist/main/app/preload.cjs). */
  preloadPath: string;
  /** Developer tools only for unpackaged runs: a packaged build gives an officer no console into the page. */
  devTools: boolean;
  onLoadFailed?: (err: unknown) => void;
}

/**
 * The app's one window. The webPreferences are written out in full, as literals, so that a reviewer
 * and the scanner both see every security switch at the one place the window is made.
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Entente',
    backgroundColor: '#1b1e24',
    webPreferences: {
      /* eng-disable PRELOAD_JS_CHECK -- our own bundled preload; it exposes only the contract's calls (preload.ts) */
      preload: options.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      // Middle-click would otherwise open links as new windows; the open handler denies them too.
      disableBlinkFeatures: 'Auxclick',
      // Chromium's spellchecker downloads dictionaries from Google on Windows and Linux.
      spellcheck: false,
      safeDialogs: true,
      devTools: options.devTools,
    },
  });
  // Keeps classified content out of screenshots and screen sharing where the OS supports it.
  win.setContentProtection(true);
  guardWebContents(win.webContents);
  win.once('ready-to-show', () => win.show());
  win.loadURL(APP_ENTRY_URL).catch((err: unknown) => options.onLoadFailed?.(err));
  return win;
}
