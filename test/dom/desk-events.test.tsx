import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import type { NoteNotification } from '../../shared/display';
import type { Language } from '../../shared/prefs';
import { createI18n } from '../../renderer/src/i18n';
import { en } from '../../renderer/src/i18n/en';
import { fr } from '../../renderer/src/i18n/fr';
import { Desktop } from '../../renderer/src/views/desk/Desktop';
import { TOAST_LIMIT, TOAST_MS } from '../../renderer/src/views/desk/Toasts';
import { CHANNEL, fakeDesk } from './desk-fake-api';
import { fakeEvents } from './fake-events';

/** The desktop hears main's pushed events: a refresh, an auto-lock, notifications shown as main worded them. */
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function show(lang: Language = 'en') {
  const fake = fakeDesk({ ceiling: null, cleared: [1, 2], protection: null });
  const events = fakeEvents();
  const onLocked = vi.fn();
  const view = render(
    <I18nextProvider i18n={createI18n(lang)}>
      <Desktop api={fake.api} events={events.feed} session={fake.status} prefs={{ language: lang, theme: 'system' }} onChangePrefs={async () => {}} onLocked={onLocked} />
    </I18nextProvider>,
  );
  const count = (name: string) => fake.calls.filter((c) => c.name === name).length;
  return { ...fake, events, onLocked, view, count };
}

const hidden = (tag: string, count = 1): NoteNotification => ({ tag, channelId: CHANNEL, count, content: null });
const withContent = (tag: string): NoteNotification => ({
  tag,
  channelId: CHANNEL,
  count: 1,
  content: { sender: 'Alex Morgan (UK Liaison Office)', channel: 'Liaison cell', marking: 'NATO RESTRICTED', excerpt: 'Meeting moved to 14:00.' },
});

describe('desk: events pushed by main', () => {
  it('asks for the channels again at once when notes changed, without waiting for the heartbeat', async () => {
    const d = show();
    await screen.findByTestId('note-n0');
    const before = d.count('channels.list');
    act(() => d.events.emit({ kind: 'notes.changed', channelIds: [CHANNEL] }));
    await waitFor(() => expect(d.count('channels.list')).toBe(before + 1));
  });

  it('goes back to sign-in when main says the profile auto-locked', async () => {
    const d = show();
    await screen.findByTestId('note-n0');
    act(() => d.events.emit({ kind: 'session.locked' }));
    expect(d.onLocked).toHaveBeenCalledTimes(1);
  });

  it('stops listening when the desktop goes away', async () => {
    const d = show();
    await screen.findByTestId('note-n0');
    expect(d.events.listeners()).toBe(1);
    d.view.unmount();
    expect(d.events.listeners()).toBe(0);
  });

  it('shows a notification without content as main sent it: no sender, channel, marking or words', async () => {
    const d = show();
    await screen.findByTestId('note-n0');
    act(() => d.events.emit({ kind: 'notification', notification: hidden('t1') }));
    const toast = await screen.findByTestId('toast');
    expect(toast.dataset.content).toBe('hidden');
    expect(toast.textContent).toContain('New note');
    expect(toast.textContent).toContain('Open Entente to read it.');
    expect(toast.textContent).not.toMatch(/Alex|Liaison|NATO/);
    // Announced politely to assistive technology, in a labelled region.
    const region = screen.getByTestId('toasts');
    expect(region.getAttribute('role')).toBe('status');
    expect(region.getAttribute('aria-label')).toBe(en.notify.region);
  });

  it('shows the sender, channel, marking and excerpt when main included them, and a batch as a count', async () => {
    const d = show();
    await screen.findByTestId('note-n0');
    act(() => d.events.emit({ kind: 'notification', notification: withContent('t1') }));
    act(() => d.events.emit({ kind: 'notification', notification: hidden('t2', 12) }));
    const toasts = await screen.findAllByTestId('toast');
    expect(toasts).toHaveLength(2);
    expect(toasts[0]?.textContent).toContain('Alex Morgan (UK Liaison Office) — Liaison cell');
    expect(toasts[0]?.textContent).toContain('NATO RESTRICTED');
    expect(toasts[0]?.textContent).toContain('Meeting moved to 14:00.');
    expect(toasts[1]?.textContent).toContain('12 new notes');
  });

  it('is French in French', async () => {
    const d = show('fr');
    await screen.findByTestId('note-n0');
    act(() => d.events.emit({ kind: 'notification', notification: hidden('t1') }));
    const toast = await screen.findByTestId('toast');
    expect(toast.textContent).toContain('Nouvelle note');
    expect(toast.textContent).toContain('Ouvrez Entente pour la lire.');
    expect(within(toast).getByRole('button', { name: fr.notify.open })).toBeTruthy();
    expect(within(toast).getByRole('button', { name: fr.notify.dismiss })).toBeTruthy();
  });

  it('keeps at most a few, replaces one with the same tag, and dismisses by button or after a while', async () => {
    const d = show();
    await screen.findByTestId('note-n0');
    vi.useFakeTimers({ shouldAdvanceTime: true });
    act(() => {
      for (let i = 0; i < TOAST_LIMIT + 2; i++) d.events.emit({ kind: 'notification', notification: hidden(`t${i}`, i + 1) });
      d.events.emit({ kind: 'notification', notification: hidden(`t${TOAST_LIMIT + 1}`, 99) });
    });
    const toasts = screen.getAllByTestId('toast');
    expect(toasts).toHaveLength(TOAST_LIMIT);
    expect(toasts.at(-1)?.textContent).toContain('99 new notes');
    fireEvent.click(within(toasts[0] as HTMLElement).getByRole('button', { name: en.notify.dismiss }));
    expect(screen.getAllByTestId('toast')).toHaveLength(TOAST_LIMIT - 1);
    act(() => vi.advanceTimersByTime(TOAST_MS + 10));
    expect(screen.queryAllByTestId('toast')).toHaveLength(0);
  });

  it('Open goes to the channel from another view', async () => {
    const d = show();
    await screen.findByTestId('note-n0');
    fireEvent.click(screen.getByTestId('nav-partners'));
    await waitFor(() => expect(screen.queryByTestId('note-n0')).toBeNull());
    act(() => d.events.emit({ kind: 'notification', notification: hidden('t1') }));
    fireEvent.click(within(await screen.findByTestId('toast')).getByRole('button', { name: en.notify.open }));
    expect(await screen.findByTestId('note-n0')).toBeTruthy();
    expect(screen.getByTestId('nav-channels').getAttribute('aria-current')).toBe('page');
    expect(screen.queryAllByTestId('toast')).toHaveLength(0);
  });
});
