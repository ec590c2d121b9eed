import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useCallback } from 'react';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import type { EntenteApi } from '../../shared/api/contract';
import type { ChannelSummary } from '../../shared/api/notes-schemas';
import type { Language } from '../../shared/prefs';
import { createI18n } from '../../renderer/src/i18n';
import { en } from '../../renderer/src/i18n/en';
import { fr } from '../../renderer/src/i18n/fr';
import { Conversation } from '../../renderer/src/views/desk/Conversation';
import { appendOlder, FIRST_PAGE, LOOKAHEAD, MAX_ROWS, mergeNewest, OLDER_PAGE, REFRESH_PAGE, ROW_ESTIMATE, pagesToCover, rowCount, tailRows } from '../../renderer/src/views/desk/note-paging';
import { useDisplay } from '../../renderer/src/views/desk/use-display';
import { CHANNEL, fakeDesk, noteMeta, pagedChannel, type FakeState } from './desk-fake-api';

/**
 * The conversation sized to the whole channel: placeholders for the notes not loaded, older pages
 * loaded one at a time as the view reaches them (a jump loads the pages up to it and no more), and
 * never a body for a placeholder. happy-dom lays nothing out: the list is 600 px high and every drawn
 * note measures ROW_ESTIMATE, so a row's place is index × ROW_ESTIMATE.
 */

const VIEW = 600;
const patched = ['clientHeight', 'clientWidth', 'offsetHeight', 'scrollHeight'] as const;
const own = new Map(patched.map((name) => [name, Object.getOwnPropertyDescriptor(HTMLElement.prototype, name)]));
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => VIEW });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
  // The list scrolls as far as its content is high (the virtualizer clamps to it).
  Object.defineProperty(HTMLElement.prototype, 'scrollHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset.testid === 'note-list' ? parseFloat((this.firstElementChild as HTMLElement | null)?.style.height ?? '0') || 0 : 0;
    },
  });
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('note-row') ? ROW_ESTIMATE : 0;
    },
  });
});
afterAll(() => {
  for (const name of patched) {
    const before = own.get(name);
    if (before) Object.defineProperty(HTMLElement.prototype, name, before);
    else Reflect.deleteProperty(HTMLElement.prototype, name);
  }
});
afterEach(cleanup);

const channel: ChannelSummary = { channelId: CHANNEL, name: 'Liaison cell', admin: { agency: 'fr-demo', officerId: 'camille' }, members: [], unread: 0, lastAt: null, highest: [] };
const noLabels = () => {};
const cleared = (): FakeState => ({ ceiling: null, cleared: [1, 2, 3], protection: null });

function Harness({ api, tick, errors }: { api: EntenteApi; tick: number; errors: unknown[] }) {
  // Stable, as the desktop's: a new callback at each render would reload the display context each time.
  const onError = useCallback((e: unknown) => void errors.push(e), [errors]);
  const display = useDisplay(api, onError);
  return <Conversation api={api} channel={channel} display={display} focused tick={tick} onShownLabels={noLabels} onError={onError} />;
}

function open(size: number, options: { gated?: boolean; lang?: Language } = {}) {
  const state = cleared();
  const fake = fakeDesk(state);
  const pages = pagedChannel(state, size, options);
  fake.handlers['notes.page'] = pages.page;
  fake.handlers['notes.body'] = pages.body;
  const errors: unknown[] = [];
  const i18n = createI18n(options.lang ?? 'en');
  const view = render(
    <I18nextProvider i18n={i18n}>
      <Harness api={fake.api} tick={1} errors={errors} />
    </I18nextProvider>,
  );
  const rerender = (tick: number) =>
    view.rerender(
      <I18nextProvider i18n={i18n}>
        <Harness api={fake.api} tick={tick} errors={errors} />
      </I18nextProvider>,
    );
  const list = () => screen.getByTestId('note-list');
  const scrollTo = (top: number) =>
    act(() => {
      list().scrollTop = top;
      list().dispatchEvent(new Event('scroll'));
    });
  const bodiesAsked = () => fake.calls.filter((c) => c.name === 'notes.body').map((c) => (c.input as { noteId: string }).noteId);
  // Rows drawn: notes (data-index, measured) and placeholders (data-pending-index).
  const drawn = () => [...list().querySelectorAll('[data-index], [data-pending-index]')].map((el) => Number((el as HTMLElement).dataset.index ?? (el as HTMLElement).dataset.pendingIndex));
  return { ...fake, pages, errors, rerender, list, scrollTo, bodiesAsked, drawn };
}

/** Note n<i> drawn, as a note or as a redaction card (one in four is above the viewer's clearance). */
const rowId = (i: number) => new RegExp(`^(note|redacted)-n${i}$`);
const findRow = (i: number) => screen.findByTestId(rowId(i));
const getRow = (i: number) => screen.getByTestId(rowId(i));

/** The channel index of note n<i> in a channel of `size` notes: 0 is the newest. */
const indexOf = (size: number, noteId: string) => size - 1 - Number(noteId.slice(1));

describe('conversation: the whole channel in the scrollbar', () => {
  it('sizes the list to the channel’s total, the notes not loaded being placeholders', async () => {
    const c = open(10_000);
    await findRow(9999);
    expect(screen.getByRole('heading', { level: 3 }).textContent).toContain('10000 notes');
    // Every note of the channel has its row in the scroll height, not only the first page.
    expect(c.list().firstElementChild?.getAttribute('style')).toContain(`height: ${10_000 * ROW_ESTIMATE}px`);
    expect(c.pages.requests).toEqual([{ channelId: CHANNEL, limit: FIRST_PAGE }]);
    expect(screen.queryAllByTestId('pending-row')).toEqual([]);
  });

  it('placeholders say they are loading (aria-busy and text), carry no marking and never a body', async () => {
    const c = open(10_000, { gated: true });
    await waitFor(() => expect(c.pages.waiting()).toBe(1));
    c.pages.release();
    await findRow(9999);
    // Just past the first page: the rows there are placeholders until their page comes.
    c.scrollTo(FIRST_PAGE * ROW_ESTIMATE);
    const pending = await screen.findAllByTestId('pending-row');
    expect(pending.length).toBeGreaterThan(0);
    for (const row of pending) {
      expect(row.getAttribute('aria-busy')).toBe('true');
      expect(row.textContent).toBe(en.desk.conversation.loadingOlder);
      expect(row.getAttribute('aria-label')).toMatch(/^Note \d+ of 10000, not loaded yet$/);
      expect(row.querySelector('.marking, .note-body, .note-text')).toBeNull();
    }
    expect(pending[0]!.getAttribute('aria-label')).toBe(`Note ${FIRST_PAGE + 1} of 10000, not loaded yet`);
    // Well past the body delay: nothing was asked for a row that is only a placeholder.
    await new Promise((r) => setTimeout(r, 300));
    const loaded = new Set(Array.from({ length: FIRST_PAGE }, (_, k) => `n${9999 - k}`));
    expect(c.bodiesAsked().every((id) => loaded.has(id))).toBe(true);
    // The page comes: the placeholders become notes, which are then asked for.
    c.pages.release();
    await findRow(9999 - FIRST_PAGE);
    // n9899 is above the viewer's clearance: a redaction card, never asked; n9898 is shown and asked.
    expect(screen.getByTestId('redacted-n9899')).toBeTruthy();
    await waitFor(() => expect(c.bodiesAsked()).toContain('n9898'));
    expect(c.bodiesAsked()).not.toContain('n9899');
  });

  it('in French the placeholders say so in French', async () => {
    const c = open(500, { lang: 'fr' });
    await findRow(499);
    c.scrollTo(300 * ROW_ESTIMATE);
    const row = (await screen.findAllByTestId('pending-row'))[0]!;
    expect(row.textContent).toBe(fr.desk.conversation.loadingOlder);
    expect(row.getAttribute('aria-label')).toMatch(/^Note \d+ sur 500, pas encore chargée$/);
  });

  it('a jump far into the channel loads the pages up to it, one at a time, and no further', async () => {
    const size = 10_000;
    const c = open(size, { gated: true });
    await waitFor(() => expect(c.pages.waiting()).toBe(1));
    c.pages.release();
    await findRow(9999);
    // n8498: a note the viewer may see (the row above it, n8499, is withheld).
    const target = 1_501;
    c.scrollTo(target * ROW_ESTIMATE);
    await waitFor(() => expect(c.pages.waiting()).toBe(1));
    const last = Math.max(...c.drawn());
    const wanted = last + LOOKAHEAD;
    const expected = pagesToCover(wanted, FIRST_PAGE);
    expect(expected).toBe(Math.ceil((wanted + 1 - FIRST_PAGE) / OLDER_PAGE));
    for (let answered = 0; answered < expected; answered++) {
      // Never a second page while one is on its way.
      await waitFor(() => expect(c.pages.waiting()).toBe(1));
      expect(c.pages.inFlight()).toBe(1);
      c.pages.release();
    }
    await findRow(size - 1 - target);
    await new Promise((r) => setTimeout(r, 50));
    expect(c.pages.waiting()).toBe(0);
    expect(c.pages.maxInFlight()).toBe(1);
    const older = c.pages.older();
    expect(older.length).toBe(expected);
    expect(older.every((r) => r.limit === OLDER_PAGE)).toBe(true);
    // Each cursor once, each following the previous page.
    const cursors = older.map((r) => r.before!.noteId);
    expect(new Set(cursors).size).toBe(cursors.length);
    expect(cursors[0]).toBe(`n${size - FIRST_PAGE}`);
    // The rows on screen are notes now; the notes jumped over were never asked for their bodies.
    expect(screen.queryAllByTestId('pending-row')).toEqual([]);
    await waitFor(() => expect(c.bodiesAsked()).toContain(`n${size - 1 - target}`));
    const far = c.bodiesAsked().map((id) => indexOf(size, id)).filter((i) => i >= FIRST_PAGE);
    expect(far.every((i) => i >= target - 10 && i <= wanted)).toBe(true);
    expect(c.errors).toEqual([]);
  });

  it('scrolling on while a page loads does not ask for the same page twice', async () => {
    const c = open(5_000, { gated: true });
    await waitFor(() => expect(c.pages.waiting()).toBe(1));
    c.pages.release();
    await findRow(4999);
    for (const row of [120, 140, 160, 180]) c.scrollTo(row * ROW_ESTIMATE);
    await waitFor(() => expect(c.pages.waiting()).toBe(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(c.pages.older().length).toBe(1);
    c.pages.release();
    await findRow(4999 - 180);
    await new Promise((r) => setTimeout(r, 50));
    expect(c.pages.older().length).toBe(1);
    expect(c.pages.maxInFlight()).toBe(1);
  });

  it('a failed page says so instead of loading for ever, and loads again when asked', async () => {
    const c = open(2_000);
    await findRow(1999);
    const page = c.handlers['notes.page']!;
    let fail = true;
    c.handlers['notes.page'] = async (input) => {
      if (fail && input.before !== undefined) throw new Error('relay gone');
      return page(input);
    };
    c.scrollTo(150 * ROW_ESTIMATE);
    const retry = (await screen.findAllByRole('button', { name: en.desk.conversation.retry }))[0]!;
    const row = screen.getAllByTestId('pending-row')[0]!;
    expect(row.getAttribute('aria-busy')).toBe('false');
    expect(row.textContent).toContain(en.desk.conversation.olderFailed);
    expect(c.errors.length).toBe(1);
    fail = false;
    act(() => retry.click());
    await findRow(1999 - 150);
  });

  it('the last page ends the list at the oldest note: no placeholder past it', async () => {
    const c = open(250);
    await findRow(249);
    c.scrollTo(245 * ROW_ESTIMATE);
    await findRow(0);
    await waitFor(() => expect(c.list().firstElementChild?.getAttribute('style')).toContain(`height: ${250 * ROW_ESTIMATE}px`));
    expect(screen.queryAllByTestId('pending-row')).toEqual([]);
    expect(c.pages.older().length).toBe(1);
  });
});

describe('conversation: new notes at the top', () => {
  it('the view at the newest note stays there and shows the new one', async () => {
    const c = open(1_000);
    await findRow(999);
    c.pages.arrive(2);
    c.rerender(2);
    await findRow(1001);
    expect(c.list().scrollTop).toBe(0);
    expect(c.pages.requests.at(-1)).toEqual({ channelId: CHANNEL, limit: REFRESH_PAGE });
    expect(screen.getByRole('heading', { level: 3 }).textContent).toContain('1002 notes');
  });

  it('a view further down keeps the note it shows in place', async () => {
    const c = open(1_000);
    await findRow(999);
    c.scrollTo(30 * ROW_ESTIMATE + 20);
    await findRow(969);
    c.pages.arrive(3);
    c.rerender(2);
    await waitFor(() => expect(c.list().scrollTop).toBe(33 * ROW_ESTIMATE + 20));
    expect(c.pages.requests.filter((r) => r.before === undefined).length).toBe(2);
  });

  it('more new notes than a page: the loaded notes are dropped and paged again, never left with a gap', async () => {
    const c = open(1_000);
    await findRow(999);
    c.pages.arrive(REFRESH_PAGE + 10);
    c.rerender(2);
    await findRow(999 + REFRESH_PAGE + 10);
    // The rows after the fresh page are placeholders again, loaded from its cursor.
    c.scrollTo((REFRESH_PAGE + 5) * ROW_ESTIMATE);
    await findRow(999 + REFRESH_PAGE + 10 - (REFRESH_PAGE + 5));
    expect(c.pages.older()[0]?.before?.noteId).toBe(`n${999 + 10 + 1}`);
  });

  it('without a change, a refresh does not redraw a single row', async () => {
    const c = open(300);
    const first = await findRow(299);
    c.rerender(2);
    await waitFor(() => expect(c.pages.requests.length).toBe(2));
    expect(getRow(299)).toBe(first);
  });
});

describe('note paging rules', () => {
  const state = cleared();
  const n = (i: number) => noteMeta(state, i, 1);
  const cursor = { sentAt: 1, noteId: 'n0' };

  it('rows: the whole channel while older pages remain, capped under Chromium’s height limit, the loaded ones at the end', () => {
    expect(rowCount(100, 10_000, cursor)).toBe(10_000);
    expect(rowCount(100, 50, cursor)).toBe(101);
    expect(rowCount(100, 10_000_000, cursor)).toBe(MAX_ROWS);
    expect(MAX_ROWS * ROW_ESTIMATE).toBeLessThan(33_554_432);
    expect(rowCount(300_000, 10_000_000, cursor)).toBe(300_001);
    expect(rowCount(240, 10_000, null)).toBe(240);
  });

  it('the placeholders on screen in the tail, with overscan, never past its end', () => {
    expect(tailRows({ offset: 0, height: 600 }, { start: 10_000, loaded: 100, rows: 50 }, 4)).toBeNull();
    expect(tailRows({ offset: 10_000, height: 600 }, { start: 10_000, loaded: 100, rows: 50 }, 4)).toEqual({ first: 100, last: 108 });
    expect(tailRows({ offset: 10_000 + 48 * ROW_ESTIMATE, height: 600 }, { start: 10_000, loaded: 100, rows: 50 }, 4)).toEqual({ first: 144, last: 149 });
  });

  it('a fresh newest page: new notes first, the same array when nothing changed, a reset when it does not reach what is held', () => {
    const held = [n(5), n(4), n(3), n(2)];
    expect(mergeNewest(held, [n(5), n(4)], true)).toEqual({ notes: held, added: 0, reset: false });
    expect(mergeNewest(held, [n(5), n(4)], true).notes).toBe(held);
    const added = mergeNewest(held, [n(7), n(6), n(5)], true);
    expect(added.notes.map((x) => x.noteId)).toEqual(['n7', 'n6', 'n5', 'n4', 'n3', 'n2']);
    expect(added.added).toBe(2);
    const read = { ...n(4), read: true };
    const updated = mergeNewest(held, [n(5), read], true);
    expect(updated.notes[1]).toBe(read);
    expect(updated.added).toBe(0);
    expect(mergeNewest(held, [n(9), n(8)], true)).toEqual({ notes: [n(9), n(8)], added: 2, reset: true });
    // The whole channel in one page: that is the truth, a note gone is not kept.
    expect(mergeNewest(held, [n(6), n(5), n(4)], false).notes.map((x) => x.noteId)).toEqual(['n6', 'n5', 'n4']);
  });

  it('an older page adds only the notes not held yet', () => {
    expect(appendOlder([n(5), n(4)], [n(4), n(3)]).map((x) => x.noteId)).toEqual(['n5', 'n4', 'n3']);
  });
});
