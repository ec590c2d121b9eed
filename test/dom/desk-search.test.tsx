import { afterEach, describe, expect, it, vi } from 'vitest';
import { useCallback } from 'react';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import type { CallInput, CallOutput, EntenteApi } from '../../shared/api/contract';
import type { Label } from '../../shared/labels/model';
import type { Language } from '../../shared/prefs';
import { ApiError } from '../../renderer/src/api/client';
import { createI18n } from '../../renderer/src/i18n';
import { en } from '../../renderer/src/i18n/en';
import { fr } from '../../renderer/src/i18n/fr';
import { Search } from '../../renderer/src/views/desk/Search';
import { useDisplay } from '../../renderer/src/views/desk/use-display';
import { CHANNEL, NATO, fakeDesk, noteMeta, type FakeState } from './desk-fake-api';

afterEach(cleanup);

const cleared = (): FakeState => ({ ceiling: null, cleared: [1, 2, 3], protection: null });

function Harness({ api, onLabels }: { api: EntenteApi; onLabels: (labels: Label[]) => void }) {
  const onError = useCallback(() => {}, []);
  const display = useDisplay(api, onError);
  return <Search api={api} channelId={CHANNEL} display={display} focused onShownLabels={onLabels} />;
}

/**
 * Search on its own, over the desk's fake API: main answers three notes, one of which (n3, NATO
 * SECRET) the viewer may not see here, as after a ceiling lowered since main matched it.
 */
function show(options: { lang?: Language; search?: (input: CallInput<'notes.search'>) => Promise<CallOutput<'notes.search'>> } = {}) {
  const state = cleared();
  const fake = fakeDesk(state);
  fake.handlers['notes.search'] = options.search ?? (async () => ({ notes: [noteMeta(state, 2, 3), noteMeta(state, 3, 4), noteMeta(state, 0, 1)] }));
  const labels = vi.fn();
  render(
    <I18nextProvider i18n={createI18n(options.lang ?? 'en')}>
      <Harness api={fake.api} onLabels={labels} />
    </I18nextProvider>,
  );
  const searches = () => fake.calls.filter((c) => c.name === 'notes.search').map((c) => c.input as CallInput<'notes.search'>);
  const bodiesAsked = () => fake.calls.filter((c) => c.name === 'notes.body').map((c) => (c.input as { noteId: string }).noteId);
  const type = (text: string) => fireEvent.change(screen.getByTestId('search-query'), { target: { value: text } });
  return { ...fake, labels, searches, bodiesAsked, type };
}

/** What Tab walks through, in document order: the natively focusable and the tabindex ≥ 0. */
function tabOrder(): HTMLElement[] {
  const all = [...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, summary, [tabindex]')];
  return all.filter((el) => !(el as HTMLButtonElement).disabled && el.tabIndex >= 0 && el.getAttribute('tabindex') !== '-1');
}

describe('desk: search', () => {
  it('lists each result with its marking, sender and time; the status gives the count', async () => {
    const s = show();
    s.type('  convoy  ');
    fireEvent.submit(screen.getByTestId('search-form'));
    const results = await screen.findAllByTestId('search-result');
    expect(results.length).toBe(3);
    expect(s.searches()).toEqual([{ query: 'convoy', channelId: CHANNEL, limit: 50 }]);
    expect(screen.getByTestId('search-status').textContent).toBe('3 notes found');
    const confidential = within(results[0]!).getByTestId('note-n2');
    expect(confidential.querySelector('.marking')?.textContent).toBe('NATO CONFIDENTIAL');
    expect(confidential.textContent).toContain('Alex Morgan, UK Liaison Office');
    expect(confidential.querySelector('time')?.getAttribute('datetime')).toBe(new Date(1_700_000_002_000).toISOString());
    expect(confidential.textContent).toContain('Sent ');
    expect(within(results[2]!).getByTestId('note-n0').querySelector('.marking')?.textContent).toBe('NATO UNCLASSIFIED');
    await waitFor(() => expect(confidential.textContent).toContain('Body of n2'));
  });

  it('a result the viewer may not see here is a redaction card with the reason, its body never asked for', async () => {
    const s = show();
    s.type('convoy');
    fireEvent.submit(screen.getByTestId('search-form'));
    const card = await screen.findByTestId('redacted-n3');
    expect(card.querySelector('.marking')?.textContent).toBe('NATO SECRET');
    expect(card.textContent).toContain(en.desk.reasons.classification_not_cleared);
    await waitFor(() => expect(s.bodiesAsked()).toEqual(expect.arrayContaining(['n0', 'n2'])));
    await new Promise((r) => setTimeout(r, 300));
    expect(s.bodiesAsked()).not.toContain('n3');
    expect(card.textContent).not.toContain('Body of n3');
    // The banner hears of the notes shown, not of the withheld one.
    const last = s.labels.mock.calls.at(-1)?.[0] as Label[];
    expect(last.map((l) => l.classification).sort()).toEqual([1, 3]);
    expect(last.every((l) => l.policyId === NATO.id)).toBe(true);
  });

  it('an empty or blank query asks nothing', async () => {
    const s = show();
    fireEvent.submit(screen.getByTestId('search-form'));
    s.type('   ');
    fireEvent.submit(screen.getByTestId('search-form'));
    fireEvent.keyDown(screen.getByTestId('search-query'), { key: 'Enter' });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.searches()).toEqual([]);
    expect(screen.getByTestId('search-status').textContent).toBe('');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('a refused search says why, translated, and shows no stale results', async () => {
    let refuse = false;
    const state = cleared();
    const s = show({
      search: async () => {
        if (refuse) throw new ApiError('profile_locked', 'locked');
        return { notes: [noteMeta(state, 0, 1)] };
      },
    });
    s.type('convoy');
    fireEvent.submit(screen.getByTestId('search-form'));
    await screen.findByTestId('note-n0');
    refuse = true;
    fireEvent.submit(screen.getByTestId('search-form'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(`The search failed: ${en.errors.profile_locked}`);
    expect(screen.queryByTestId('note-n0')).toBeNull();
  });

  it('in French the failure and the count are French', async () => {
    const state = cleared();
    let refuse = false;
    const s = show({
      lang: 'fr',
      search: async () => {
        if (refuse) throw new ApiError('internal', 'boom');
        return { notes: [noteMeta(state, 0, 1), noteMeta(state, 1, 2)] };
      },
    });
    expect(screen.getByTestId('search-query').getAttribute('placeholder')).toBe(fr.desk.search.query);
    expect(screen.getByTestId('search-submit').textContent).toBe(fr.desk.search.submit);
    s.type('convoi');
    fireEvent.submit(screen.getByTestId('search-form'));
    await waitFor(() => expect(screen.getByTestId('search-status').textContent).toBe('2 notes trouvées'));
    refuse = true;
    fireEvent.submit(screen.getByTestId('search-form'));
    expect((await screen.findByRole('alert')).textContent).toBe(`La recherche a échoué : ${fr.errors.internal}`);
  });

  it('a connection lost is said so, not as a code', async () => {
    const s = show({
      search: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    s.type('convoy');
    fireEvent.submit(screen.getByTestId('search-form'));
    expect((await screen.findByRole('alert')).textContent).toBe(`The search failed: ${en.errors.connection}`);
  });

  it('Enter in the field searches; the results then follow the button in the Tab order', async () => {
    const s = show();
    s.type('convoy');
    const field = screen.getByTestId('search-query');
    field.focus();
    fireEvent.keyDown(field, { key: 'Enter' });
    const results = await screen.findAllByTestId('search-result');
    expect(s.searches().length).toBe(1);
    // Another key does not search.
    fireEvent.keyDown(field, { key: 'a' });
    await new Promise((r) => setTimeout(r, 20));
    expect(s.searches().length).toBe(1);
    const order = tabOrder();
    const button = order.indexOf(screen.getByTestId('search-submit'));
    expect(order.indexOf(field)).toBeLessThan(button);
    const at = results.map((r) => order.indexOf(r));
    expect(at.every((i) => i > button)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    // Each is focusable, the withheld one as well (its card says why).
    act(() => results[1]!.focus());
    expect(document.activeElement).toBe(results[1]);
    expect(within(results[1]!).getByTestId('redacted-n3')).toBeTruthy();
  });

  it('a slower earlier search never replaces the later one’s results', async () => {
    const state = cleared();
    const answers: ((v: CallOutput<'notes.search'>) => void)[] = [];
    const s = show({ search: () => new Promise((resolve) => answers.push(resolve)) });
    s.type('first');
    fireEvent.submit(screen.getByTestId('search-form'));
    s.type('second');
    fireEvent.keyDown(screen.getByTestId('search-query'), { key: 'Enter' });
    await waitFor(() => expect(answers.length).toBe(2));
    act(() => answers[1]!({ notes: [noteMeta(state, 1, 2)] }));
    await screen.findByTestId('note-n1');
    act(() => answers[0]!({ notes: [noteMeta(state, 0, 1)] }));
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('note-n0')).toBeNull();
    expect(screen.getByTestId('note-n1')).toBeTruthy();
  });

  it('a query is cut at the contract’s 200 characters', async () => {
    const s = show();
    s.type(`${'x'.repeat(250)}`);
    fireEvent.submit(screen.getByTestId('search-form'));
    await screen.findAllByTestId('search-result');
    expect(s.searches()[0]?.query.length).toBe(200);
  });
});
