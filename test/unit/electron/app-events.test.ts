import { describe, expect, it } from 'vitest';
import { EVENT_CHANNEL, type AppEvent } from '../../../shared/api/events';
import type { NoteNotification } from '../../../shared/display';
import type { Language } from '../../../shared/prefs';
import { forwardAppEvents, type EventWindowLike, type NotificationLike } from '../../../main/app/app-events';

/** Main's events in Electron: to our page only, and an OS notification only while the window is not in front. */
class Win implements EventWindowLike {
  url = 'app://entente/index.html';
  focused = false;
  destroyed = false;
  minimized = false;
  sent: [string, unknown][] = [];
  shownCount = 0;
  focusCount = 0;
  readonly webContents = { getURL: () => this.url, send: (channel: string, payload: unknown) => void this.sent.push([channel, payload]) };
  isDestroyed = () => this.destroyed;
  isFocused = () => this.focused;
  isMinimized = () => this.minimized;
  restore = () => void (this.minimized = false);
  show = () => void (this.shownCount += 1);
  focus = () => void (this.focusCount += 1);
}

function rig(options: { supported?: boolean; lang?: Language } = {}) {
  let emit: (e: AppEvent) => void = () => undefined;
  const win = new Win();
  const shown: { title: string; body: string; click: () => void }[] = [];
  const stop = forwardAppEvents({
    subscribe: (listener) => {
      emit = listener;
      return () => (emit = () => undefined);
    },
    window: () => win,
    notify:
      options.supported === false
        ? null
        : ({ title, body }): NotificationLike => {
            const entry: { title: string; body: string; click: () => void } = { title, body, click: () => undefined };
            return {
              on: (_event, listener) => (entry.click = listener),
              show: () => void shown.push(entry),
            };
          },
    lang: () => options.lang ?? 'en',
  });
  return { win, shown, emit: (e: AppEvent) => emit(e), stop };
}

const hidden: NoteNotification = { tag: 't1', channelId: 'c1', count: 1, content: null };
const full: NoteNotification = { tag: 't2', channelId: 'c1', count: 1, content: { sender: 'Alex Morgan (UK)', channel: 'Liaison', marking: 'NATO RESTRICTED', excerpt: 'Moved to 14:00.' } };

describe('app events in Electron', () => {
  it('sends every event to our page on the event channel', () => {
    const r = rig();
    r.emit({ kind: 'notes.changed', channelIds: ['c1'] });
    r.emit({ kind: 'session.locked' });
    expect(r.win.sent).toEqual([
      [EVENT_CHANNEL, { kind: 'notes.changed', channelIds: ['c1'] }],
      [EVENT_CHANNEL, { kind: 'session.locked' }],
    ]);
  });

  it('sends nothing to a page that is not ours, nor to a destroyed window', () => {
    const r = rig();
    for (const url of ['https://evil.example/', 'app://entente.evil/index.html', 'app://user@entente/', 'about:blank', '']) {
      r.win.url = url;
      r.emit({ kind: 'notification', notification: full });
    }
    expect(r.win.sent).toEqual([]);
    r.win.url = 'app://entente/index.html';
    r.win.destroyed = true;
    r.emit({ kind: 'notification', notification: full });
    expect(r.win.sent).toEqual([]);
    expect(r.shown).toEqual([]);
  });

  it('shows an OS notification only while the window is not in front, worded by main', () => {
    const r = rig();
    r.win.focused = true;
    r.emit({ kind: 'notification', notification: full });
    expect(r.shown).toEqual([]);
    r.win.focused = false;
    r.emit({ kind: 'notification', notification: full });
    r.emit({ kind: 'notification', notification: hidden });
    expect(r.shown.map(({ title, body }) => ({ title, body }))).toEqual([
      { title: 'Alex Morgan (UK) — Liaison', body: 'NATO RESTRICTED\nMoved to 14:00.' },
      { title: 'New note', body: 'Open Entente to read it.' },
    ]);
    // Other events never become OS notifications.
    r.emit({ kind: 'notes.changed', channelIds: ['c1'] });
    expect(r.shown).toHaveLength(2);
  });

  it('speaks the officer’s language', () => {
    const r = rig({ lang: 'fr' });
    r.emit({ kind: 'notification', notification: { ...hidden, count: 3 } });
    expect(r.shown.map(({ title, body }) => ({ title, body }))).toEqual([{ title: '3 nouvelles notes', body: 'Ouvrez Entente pour les lire.' }]);
  });

  it('a click brings the window forward, restoring it when minimized', () => {
    const r = rig();
    r.win.minimized = true;
    r.emit({ kind: 'notification', notification: hidden });
    r.shown[0]?.click();
    expect(r.win.minimized).toBe(false);
    expect(r.win.shownCount).toBe(1);
    expect(r.win.focusCount).toBe(1);
  });

  it('shows none where the platform has no notifications, and stops when asked', () => {
    const r = rig({ supported: false });
    r.emit({ kind: 'notification', notification: full });
    expect(r.shown).toEqual([]);
    expect(r.win.sent).toHaveLength(1);
    r.stop();
    r.emit({ kind: 'session.locked' });
    expect(r.win.sent).toHaveLength(1);
  });
});
