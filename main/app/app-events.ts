import { EVENT_CHANNEL, type AppEvent } from '../../shared/api/events';
import { notificationText } from '../../shared/display';
import type { Language } from '../../shared/prefs';
import { isAppOriginUrl } from './app-origin';

/** The parts of Electron's Notification and BrowserWindow used here; structural so tests can drive them. */
export interface NotificationLike {
  show(): void;
  on(event: 'click', listener: () => void): unknown;
}
export type NotificationFactory = (options: { title: string; body: string; silent: boolean }) => NotificationLike;
export interface EventWindowLike {
  isDestroyed(): boolean;
  isFocused(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
  readonly webContents: { getURL(): string; send(channel: string, payload: unknown): void };
}

export interface AppEventsOptions {
  subscribe: (listener: (event: AppEvent) => void) => () => void;
  window: () => EventWindowLike | null;
  /** Electron's Notification when the platform supports it; null: none are shown. */
  notify: NotificationFactory | null;
  lang: () => Language;
}

/**
 * Main's events to the officer in Electron, only while the window shows our own page (never a page
 * it was navigated to). A notification also becomes an OS notification when
 * the window is not in front: the page's own toast covers the window in use. Its words are decided
 * in main (shared/display/notification.ts), so an OS notification carries no more than the page would.
 */
export function forwardAppEvents(o: AppEventsOptions): () => void {
  return o.subscribe((event) => {
    const win = o.window();
    // A window not showing our page (it should never be) hears nothing and announces nothing.
    if (win === null || win.isDestroyed() || !isAppOriginUrl(win.webContents.getURL())) return;
    win.webContents.send(EVENT_CHANNEL, event);
    if (event.kind !== 'notification' || o.notify === null || win.isFocused()) return;
    const { title, body } = notificationText(event.notification, o.lang());
    const shown = o.notify({ title, body, silent: false });
    shown.on('click', () => {
      if (win.isDestroyed()) return;
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    });
    shown.show();
  });
}
