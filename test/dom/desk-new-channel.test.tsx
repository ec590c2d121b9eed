import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { CallInput } from '../../shared/api/contract';
import type { Language } from '../../shared/prefs';
import { en } from '../../renderer/src/i18n/en';
import { fr } from '../../renderer/src/i18n/fr';
import { NewChannel } from '../../renderer/src/views/desk/NewChannel';
import { fakeApi, refuse, renderIn, type Handlers } from '../helpers/fake-api';
import { partnersList } from './desk-fake-api';

afterEach(cleanup);

const alex = { agency: 'uk-demo', officerId: 'alex', name: 'Alex Morgan', agencyName: 'UK Liaison Office' };
const jonas = { agency: 'de-demo', officerId: 'jonas', name: 'Jonas Weber', agencyName: 'Verbindungsstelle' };

function show(handlers: Handlers = {}, lang: Language = 'fr') {
  const fake = fakeApi({
    'partners.list': () => partnersList(),
    'channels.create': () => ({ channelId: 'chan-new', recipients: { eligible: [alex], withheld: [] } }),
    ...handlers,
  });
  const onCreated = vi.fn();
  renderIn(<NewChannel api={fake.api} onCreated={onCreated} />, lang);
  const creates = () => fake.calls.filter((c) => c.name === 'channels.create').map((c) => c.input as CallInput<'channels.create'>);
  const open = async () => {
    fireEvent.click(screen.getByTestId('new-channel'));
    await waitFor(() => expect(fake.calls.some((c) => c.name === 'partners.list')).toBe(true));
  };
  return { ...fake, onCreated, creates, open };
}

/** Every string of a catalogue section, flattened. */
const strings = (o: object): string[] => Object.values(o).flatMap((v) => (typeof v === 'string' ? [v] : strings(v as object)));
/** The visible text and the names a screen reader gives: text, labels, placeholders, titles. */
const everything = (root: HTMLElement) =>
  [root.textContent ?? '', ...[...root.querySelectorAll('*')].flatMap((el) => ['placeholder', 'aria-label', 'title', 'value'].map((a) => el.getAttribute(a) ?? ''))].join('\n');

describe('desk: new channel, in French', () => {
  it('says everything in French: title, labels, legend, hint, placeholder, button, each partner', async () => {
    const s = show();
    await s.open();
    await screen.findByTestId('new-channel-pick-uk-demo/alex');
    expect(screen.getByTestId('new-channel').textContent).toBe(fr.desk.newChannel.title);
    expect(screen.getByLabelText(fr.desk.newChannel.name)).toBe(screen.getByTestId('new-channel-name'));
    expect(screen.getByLabelText(fr.desk.newChannel.members)).toBe(screen.getByTestId('new-channel-members'));
    expect(screen.getByTestId('new-channel-members').getAttribute('placeholder')).toBe(fr.desk.newChannel.membersPlaceholder);
    expect(screen.getByRole('group', { name: fr.desk.newChannel.pick })).toBeTruthy();
    expect(screen.getByText(fr.desk.newChannel.membersHint)).toBeTruthy();
    expect(screen.getByTestId('new-channel-submit').textContent).toBe(fr.desk.newChannel.create);
    expect(screen.getByLabelText('Alex Morgan, UK Liaison Office (uk-demo/alex)')).toBe(screen.getByTestId('new-channel-pick-uk-demo/alex'));
    // Jonas's keys changed: he may be picked, and the picker says he cannot receive notes now.
    const jonasRow = screen.getByTestId('new-channel-pick-de-demo/jonas').closest('label')!;
    expect(jonasRow.textContent).toContain(fr.desk.newChannel.notSendable);
    // No English string of the section anywhere, shown or named.
    const text = everything(screen.getByTestId('new-channel').closest('details')!);
    const english = strings(en.desk.newChannel).filter((e) => !strings(fr.desk.newChannel).includes(e) && !e.includes('{{'));
    for (const e of english) expect(text).not.toContain(e);
  });

  it('the picker and the typed members make one list, each officer once; the outcome is French', async () => {
    const s = show({
      'channels.create': () => ({ channelId: 'chan-new', recipients: { eligible: [alex], withheld: [{ officer: jonas, reasons: [{ code: 'key_change_unverified', message: 'keys changed' }] }] } }),
    });
    await s.open();
    const pickAlex = (await screen.findByTestId('new-channel-pick-uk-demo/alex')) as HTMLInputElement;
    const pickJonas = screen.getByTestId('new-channel-pick-de-demo/jonas') as HTMLInputElement;
    fireEvent.change(screen.getByTestId('new-channel-name'), { target: { value: '  Cellule Manche ' } });
    const submit = screen.getByTestId('new-channel-submit') as HTMLButtonElement;
    // A name and nobody yet: nothing to create.
    expect(submit.disabled).toBe(true);
    fireEvent.click(pickAlex);
    fireEvent.click(pickJonas);
    expect(pickAlex.checked && pickJonas.checked).toBe(true);
    fireEvent.click(pickJonas);
    expect(pickJonas.checked).toBe(false);
    fireEvent.click(pickJonas);
    fireEvent.change(screen.getByTestId('new-channel-members'), { target: { value: 'fr-dgse/benoit, uk-demo/alex' } });
    expect(submit.disabled).toBe(false);
    fireEvent.click(submit);
    const outcome = await screen.findByTestId('new-channel-outcome');
    expect(s.creates()).toEqual([
      {
        name: 'Cellule Manche',
        members: [
          { agency: 'uk-demo', officerId: 'alex' },
          { agency: 'de-demo', officerId: 'jonas' },
          { agency: 'fr-dgse', officerId: 'benoit' },
        ],
      },
    ]);
    expect(outcome.getAttribute('role')).toBe('status');
    const lines = [...outcome.querySelectorAll('p')].map((p) => p.textContent);
    expect(lines).toEqual(['Canal « Cellule Manche » créé ; ses membres en sont avertis par le relais.', `Non avertis (ils ne verront pas le canal) : Jonas Weber (Verbindungsstelle) : ${fr.desk.shareReasons.key_change_unverified}`]);
    expect(s.onCreated).toHaveBeenCalledWith('chan-new');
    // Ready for the next one: nothing picked, nothing typed.
    expect(pickAlex.checked || pickJonas.checked).toBe(false);
    expect((screen.getByTestId('new-channel-members') as HTMLInputElement).value).toBe('');
  });

  it('a refused creation says so in one French sentence, with the reason', async () => {
    const s = show({ 'channels.create': () => refuse('channel_member_unknown') });
    await s.open();
    fireEvent.change(screen.getByTestId('new-channel-name'), { target: { value: 'Cellule' } });
    fireEvent.change(screen.getByTestId('new-channel-members'), { target: { value: 'xx-nobody/ghost' } });
    fireEvent.click(screen.getByTestId('new-channel-submit'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(`Le canal n'a pas pu être créé : ${fr.errors.channel_member_unknown}`);
    expect(s.onCreated).not.toHaveBeenCalled();
    // What the officer wrote stays, to correct it.
    expect((screen.getByTestId('new-channel-members') as HTMLInputElement).value).toBe('xx-nobody/ghost');
  });

  it('a member not written as agence/agent is refused in French before anything is asked', async () => {
    const s = show();
    await s.open();
    fireEvent.change(screen.getByTestId('new-channel-name'), { target: { value: 'Cellule' } });
    fireEvent.change(screen.getByTestId('new-channel-members'), { target: { value: 'benoit' } });
    fireEvent.click(screen.getByTestId('new-channel-submit'));
    expect((await screen.findByRole('alert')).textContent).toBe(fr.desk.newChannel.badMembers);
    fireEvent.change(screen.getByTestId('new-channel-members'), { target: { value: 'fr/a/b' } });
    fireEvent.click(screen.getByTestId('new-channel-submit'));
    expect(screen.getByRole('alert').textContent).toBe(fr.desk.newChannel.badMembers);
    expect(s.creates()).toEqual([]);
  });

  it('more members than a channel holds are refused in French', async () => {
    const s = show();
    await s.open();
    fireEvent.change(screen.getByTestId('new-channel-name'), { target: { value: 'Cellule' } });
    fireEvent.change(screen.getByTestId('new-channel-members'), { target: { value: Array.from({ length: 65 }, (_, i) => `fr-dgse/o${i}`).join(',') } });
    fireEvent.click(screen.getByTestId('new-channel-submit'));
    expect((await screen.findByRole('alert')).textContent).toBe('Un canal compte au plus 64 autres membres.');
    expect(s.creates()).toEqual([]);
  });

  it('when the partners cannot be listed it says why in French, and typed members still work', async () => {
    const s = show({ 'partners.list': () => refuse('profile_locked') });
    await s.open();
    const picker = await screen.findByTestId('new-channel-picker');
    await waitFor(() => expect(within(picker).getByText(`Les agents partenaires n'ont pas pu être listés : ${fr.errors.profile_locked}`)).toBeTruthy());
    fireEvent.change(screen.getByTestId('new-channel-name'), { target: { value: 'Cellule' } });
    fireEvent.change(screen.getByTestId('new-channel-members'), { target: { value: 'uk-demo/alex' } });
    fireEvent.click(screen.getByTestId('new-channel-submit'));
    await screen.findByTestId('new-channel-outcome');
    expect(s.creates()[0]?.members).toEqual([{ agency: 'uk-demo', officerId: 'alex' }]);
  });

  it('asks for the partners only once the form is opened, and once', async () => {
    const s = show();
    expect(s.calls.filter((c) => c.name === 'partners.list')).toEqual([]);
    await s.open();
    await screen.findByTestId('new-channel-pick-uk-demo/alex');
    fireEvent.click(screen.getByTestId('new-channel'));
    fireEvent.click(screen.getByTestId('new-channel'));
    await new Promise((r) => setTimeout(r, 20));
    expect(s.calls.filter((c) => c.name === 'partners.list').length).toBe(1);
  });
});
