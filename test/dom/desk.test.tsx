import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import type { EntenteApi } from '../../shared/api/contract';
import type { Language } from '../../shared/prefs';
import { createI18n } from '../../renderer/src/i18n';
import { en } from '../../renderer/src/i18n/en';
import { fr } from '../../renderer/src/i18n/fr';
import { Desktop } from '../../renderer/src/views/desk/Desktop';
import { CHANNEL, NATO, fakeDesk, type FakeState } from './desk-fake-api';
import { fakeEvents } from './fake-events';

// A's settings view stands in as one button that lowers the ceiling through the API it is handed.
vi.mock('../../renderer/src/views/signin/SettingsView', () => ({
  SettingsView: ({ api }: { api: EntenteApi }) => (
    <button type="button" onClick={() => void api['settings.set']({ ceiling: { policyId: '1.3.26.1.3.1', classification: 1 } })}>
      lower the ceiling
    </button>
  ),
}));

beforeAll(() => {
  // happy-dom lays nothing out: give the note list a height so the virtualizer draws its rows.
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});
afterEach(cleanup);

const cleared = (): FakeState => ({ ceiling: null, cleared: [1, 2, 3], protection: { policyId: NATO.id, classification: 2 } });

function show(state: FakeState, lang: Language = 'en') {
  const fake = fakeDesk(state);
  const onLocked = vi.fn();
  const events = fakeEvents();
  render(
    <I18nextProvider i18n={createI18n(lang)}>
      <Desktop api={fake.api} events={events.feed} session={fake.status} prefs={{ language: lang, theme: 'system' }} onChangePrefs={async () => {}} onLocked={onLocked} />
    </I18nextProvider>,
  );
  const bodiesAsked = () => fake.calls.filter((c) => c.name === 'notes.body').map((c) => (c.input as { noteId: string }).noteId);
  return { ...fake, onLocked, bodiesAsked, events };
}

describe('desk: need-to-know display', () => {
  it('shows a redaction card with the marking and the reason instead of a withheld note, never asking for its body', async () => {
    const d = show(cleared());
    const card = await screen.findByTestId('redacted-n3');
    expect(card.textContent).toContain('NATO SECRET');
    expect(card.textContent).toContain(en.desk.reasons.classification_not_cleared);
    await waitFor(() => expect(screen.getByTestId('note-n2').textContent).toContain('Body of n2'));
    expect(screen.getByTestId('note-n0').textContent).toContain('Body of n0');
    expect(screen.getByTestId('note-n2').textContent).toContain('NATO CONFIDENTIAL');
    expect(screen.queryByTestId('note-n3')).toBeNull();
    expect(card.textContent).not.toContain('Body of n3');
    expect(d.bodiesAsked()).not.toContain('n3');
    expect(d.bodiesAsked()).toEqual(expect.arrayContaining(['n0', 'n1', 'n2']));
  });

  it('the banners show the highest classification shown on screen, not a withheld one', async () => {
    show(cleared());
    await screen.findByTestId('note-n2');
    await waitFor(() => expect(screen.getByTestId('banner-top').textContent).toBe('NATO CONFIDENTIAL'));
    expect(screen.getByTestId('banner-bottom').textContent).toBe('NATO CONFIDENTIAL');
    // The policy's colour for CONFIDENTIAL, with readable text on it.
    expect(screen.getByTestId('banner-top').style.background).toMatch(/0033a0|rgb\(0, 51, 160\)/i);
  });

  it('with only unclassified notes the banner names that level, with nothing shown it says so', async () => {
    const fake = fakeDesk({ ceiling: null, cleared: [1], protection: null }, [1, 3]);
    render(
      <I18nextProvider i18n={createI18n('en')}>
        <Desktop api={fake.api} events={fakeEvents().feed} session={fake.status} prefs={{ language: 'en', theme: 'system' }} onChangePrefs={async () => {}} onLocked={() => {}} />
      </I18nextProvider>,
    );
    await screen.findByTestId('redacted-n1');
    await waitFor(() => expect(screen.getByTestId('banner-top').textContent).toBe('NATO UNCLASSIFIED'));
    fireEvent.click(screen.getByTestId('nav-partners'));
    await waitFor(() => expect(screen.getByTestId('banner-top').textContent).toBe(en.desk.banner.none));
  });

  it('lowering the ceiling turns shown notes into redaction cards at once, and their bodies are not asked again', async () => {
    const d = show(cleared());
    await waitFor(() => expect(screen.getByTestId('note-n2').textContent).toContain('Body of n2'));
    fireEvent.click(screen.getByTestId('nav-settings'));
    fireEvent.click(await screen.findByText('lower the ceiling'));
    await waitFor(() => expect(d.calls.some((c) => c.name === 'settings.set')).toBe(true));
    const before = d.bodiesAsked().length;
    fireEvent.click(screen.getByTestId('nav-channels'));
    const card = await screen.findByTestId('redacted-n2');
    expect(card.textContent).toContain(en.desk.reasons.above_workstation_ceiling);
    expect((await screen.findByTestId('redacted-n1')).textContent).toContain('NATO RESTRICTED');
    expect(screen.getByTestId('note-n0').textContent).toContain('NATO UNCLASSIFIED');
    await waitFor(() => expect(screen.getByTestId('banner-top').textContent).toBe('NATO UNCLASSIFIED'));
    expect(d.bodiesAsked().slice(before)).not.toContain('n2');
    expect(d.bodiesAsked().slice(before)).not.toContain('n1');
  });

  it('the open conversation is redecided as soon as the window comes back, before any page is fetched again', async () => {
    const state = cleared();
    const d = show(state);
    await waitFor(() => expect(screen.getByTestId('note-n2').textContent).toContain('Body of n2'));
    const pages = d.calls.filter((c) => c.name === 'notes.page').length;
    state.ceiling = { policyId: NATO.id, classification: 2 };
    act(() => {
      window.dispatchEvent(new Event('blur'));
    });
    act(() => {
      window.dispatchEvent(new Event('focus'));
    });
    const card = await screen.findByTestId('redacted-n2');
    expect(card.textContent).toContain(en.desk.reasons.above_workstation_ceiling);
    // No page came back in between: the renderer decided it from the new context itself.
    expect(d.calls.filter((c) => c.name === 'notes.page').length).toBe(pages);
  });

  it('blurs notes above the protection level while the window is not in use, and blocks copying them', async () => {
    show(cleared());
    await waitFor(() => expect(screen.getByTestId('note-n2').textContent).toContain('Body of n2'));
    act(() => {
      window.dispatchEvent(new Event('blur'));
    });
    const body = (id: string) => screen.getByTestId(id).querySelector('.note-body');
    await waitFor(() => expect(body('note-n2')?.classList.contains('blurred')).toBe(true));
    expect(body('note-n0')?.classList.contains('blurred')).toBe(false);
    const copy = new Event('copy', { bubbles: true, cancelable: true });
    screen.getByTestId('note-n2').querySelector('.note-text')?.dispatchEvent(copy);
    expect(copy.defaultPrevented).toBe(true);
    const free = new Event('copy', { bubbles: true, cancelable: true });
    screen.getByTestId('note-n0').querySelector('.note-text')?.dispatchEvent(free);
    expect(free.defaultPrevented).toBe(false);
  });

  it('the channel list shows the unread count as text', async () => {
    show(cleared());
    expect((await screen.findByTestId(`channel-${CHANNEL}`)).textContent).toContain('3 unread');
  });

  it('locks through the API and hands back to sign-in', async () => {
    const d = show(cleared());
    fireEvent.click(await screen.findByTestId('lock'));
    await waitFor(() => expect(d.onLocked).toHaveBeenCalled());
    expect(d.calls.some((c) => c.name === 'profile.lock')).toBe(true);
  });
});

describe('desk: compose', () => {
  const compose = async () => {
    const select = (await screen.findByTestId('compose-label')) as HTMLSelectElement;
    await waitFor(() => expect(select.options.length).toBe(1 + NATO.classifications.length));
    return select;
  };

  it('has no default label and will not send without one', async () => {
    const d = show(cleared());
    const select = await compose();
    expect(select.value).toBe('');
    fireEvent.change(screen.getByTestId('compose-text'), { target: { value: 'Convoy at the border' } });
    expect((screen.getByTestId('compose-send') as HTMLButtonElement).disabled).toBe(true);
    expect(d.calls.some((c) => c.name === 'compose.preview')).toBe(false);
  });

  it('refuses a label above the sender’s clearance with the reason', async () => {
    const d = show(cleared());
    const select = await compose();
    fireEvent.change(screen.getByTestId('compose-text'), { target: { value: 'Convoy at the border' } });
    fireEvent.change(select, { target: { value: '4' } });
    expect((await screen.findByTestId('compose-refusal')).textContent).toContain(en.errors.sender_not_cleared);
    expect((screen.getByTestId('compose-send') as HTMLButtonElement).disabled).toBe(true);
    expect(d.calls.some((c) => c.name === 'compose.send')).toBe(false);
  });

  it('the preview updates live and lists who is withheld, with the reason translated', async () => {
    show(cleared());
    const select = await compose();
    fireEvent.change(select, { target: { value: '2' } });
    const preview = screen.getByTestId('compose-preview');
    await waitFor(() => expect(preview.textContent).toContain('NATO RESTRICTED'));
    expect(preview.textContent).toContain('Jonas Weber');
    expect(within(preview).queryByTestId('compose-withheld')).toBeNull();
    fireEvent.change(select, { target: { value: '3' } });
    await waitFor(() => expect(preview.textContent).toContain('NATO CONFIDENTIAL'));
    expect(within(preview).getByTestId('compose-withheld').textContent).toBe(`Jonas Weber (Verbindungsstelle): ${en.desk.shareReasons.above_ceiling}`);
    expect(within(preview).getByTestId('compose-eligible').textContent).toBe('Alex Morgan (UK Liaison Office)');
  });

  it('in French: reasons and refusals are French', async () => {
    show(cleared(), 'fr');
    const select = await compose();
    expect(select.options[0]?.textContent).toBe(fr.desk.compose.choose);
    fireEvent.change(select, { target: { value: '3' } });
    await waitFor(() => expect(screen.getByTestId('compose-withheld').textContent).toContain(fr.desk.shareReasons.above_ceiling));
    expect((await screen.findByTestId('redacted-n3')).textContent).toContain(fr.desk.reasons.classification_not_cleared);
    fireEvent.change(select, { target: { value: '4' } });
    expect((await screen.findByTestId('compose-refusal')).textContent).toContain(fr.errors.sender_not_cleared);
  });
});
