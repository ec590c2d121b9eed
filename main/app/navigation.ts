import type { WebContents } from 'electron';
import { isAppEntryDocument } from './app-origin';

/**
 * Locks a webContents to the renderer's single page: no navigation or redirect elsewhere, no
 * subframe navigation, no new windows, no <webview>. Applied to the main window directly and to
 * every webContents Electron creates, so one that slips past window.ts is still covered.
 * Links to the outside world are deliberately not opened in a browser: nothing in a classified
 * note may become a URL the system acts on.
 */
export function guardWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (!isAppEntryDocument(event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame || !isAppEntryDocument(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppEntryDocument(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
