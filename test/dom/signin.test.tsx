import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { SignIn } from '../../renderer/src/views/signin/SignIn';
import { passphraseStrength } from '../../renderer/src/views/signin/passphrase-strength';
import { en } from '../../renderer/src/i18n/en';
import { fr } from '../../renderer/src/i18n/fr';
import type { ProfileSummary, SessionStatus } from '../../shared/api/session-schemas';
import { fakeApi, refuse, renderIn } from '../helpers/fake-api';

afterEach(cleanup);

const camille: ProfileSummary = {
  id: 'demo:camille', kind: 'demo', name: 'Camille Martin', agency: 'fra-dgse', officerId: 'camille',
  clearance: 'NATO SECRET', demoPassphrase: 'demo passphrase camille', unlocked: false,
};
const mine: ProfileSummary = { id: 'user:alice', kind: 'user', name: 'Alice Smith', agency: null, officerId: 'alice', clearance: null, demoPassphrase: null, unlocked: false };

const unlocked = (standing: 'in_force' | 'credential_missing', officerId = 'camille', name = 'Camille Martin'): Extract<SessionStatus, { state: 'unlocked' }> => ({
  state: 'unlocked', profileId: `demo:${officerId}`,
  officer: { officerId, name, agency: standing === 'in_force' ? 'fra-dgse' : null, clearance: null, standing },
  autoLockAt: 1_800_000_000_000, autoLockMinutes: 10, relay: null,
});

describe('SignIn: unlocking', () => {
  it('lists profiles as buttons named by the officer and unlocks from the keyboard', async () => {
    const onUnlocked = vi.fn();
    const { api, calls } = fakeApi({
      'profiles.list': () => ({ profiles: [camille, mine] }),
      'profile.unlock': () => unlocked('in_force'),
    });
    renderIn(<SignIn api={api} onUnlocked={onUnlocked} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Camille Martin' }));
    const field = screen.getByLabelText(en.signin.passphrase);
    expect(document.activeElement).toBe(field);
    fireEvent.change(field, { target: { value: 'demo passphrase camille' } });
    // Enter in the field submits the form: no mouse needed.
    fireEvent.submit(field.closest('form')!);
    await waitFor(() => expect(onUnlocked).toHaveBeenCalledWith(unlocked('in_force')));
    expect(calls.find((c) => c.name === 'profile.unlock')?.input).toEqual({ profileId: 'demo:camille', passphrase: 'demo passphrase camille' });
  });

  it('shows a wrong passphrase as a translated sentence and stays on the form', async () => {
    const onUnlocked = vi.fn();
    const { api } = fakeApi({ 'profiles.list': () => ({ profiles: [mine] }), 'profile.unlock': () => refuse('passphrase_wrong') });
    renderIn(<SignIn api={api} onUnlocked={onUnlocked} />, 'fr');
    fireEvent.click(await screen.findByRole('button', { name: 'Alice Smith' }));
    fireEvent.change(screen.getByLabelText(fr.signin.passphrase), { target: { value: 'nope' } });
    fireEvent.click(screen.getByTestId('unlock'));
    expect((await screen.findByRole('alert')).textContent).toBe(fr.errors.passphrase_wrong);
    expect(onUnlocked).not.toHaveBeenCalled();
    expect(screen.getByTestId('unlock')).toBeTruthy();
  });

  it('offers the public demo passphrase only for demo profiles', async () => {
    const { api } = fakeApi({ 'profiles.list': () => ({ profiles: [camille, mine] }) });
    renderIn(<SignIn api={api} onUnlocked={vi.fn()} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Camille Martin' }));
    fireEvent.click(screen.getByRole('button', { name: en.signin.useDemoPassphrase }));
    expect((screen.getByLabelText(en.signin.passphrase) as HTMLInputElement).value).toBe('demo passphrase camille');
    fireEvent.click(screen.getByRole('button', { name: en.signin.back }));
    fireEvent.click(await screen.findByRole('button', { name: 'Alice Smith' }));
    expect(screen.queryByRole('button', { name: en.signin.useDemoPassphrase })).toBeNull();
  });

  it('says when the profiles cannot be listed', async () => {
    const { api } = fakeApi({ 'profiles.list': () => refuse('profile_insecure') });
    renderIn(<SignIn api={api} onUnlocked={vi.fn()} />);
    expect((await screen.findByRole('alert')).textContent).toBe(en.errors.profile_insecure);
  });
});

describe('SignIn: creating a profile', () => {
  const open = async (handlers: Parameters<typeof fakeApi>[0] = {}) => {
    const onUnlocked = vi.fn();
    const fake = fakeApi({ 'profiles.list': () => ({ profiles: [] }), ...handlers });
    renderIn(<SignIn api={fake.api} onUnlocked={onUnlocked} />);
    expect(await screen.findByText(en.signin.noProfiles)).toBeTruthy();
    fireEvent.click(screen.getByTestId('create-profile'));
    const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
    return { ...fake, onUnlocked, type };
  };

  it('the strength meter says the level in words as the passphrase grows', async () => {
    const { type } = await open();
    const text = () => screen.getByTestId('strength-text');
    expect(text().textContent).toBe(en.signin.strength.tooShort);
    type(en.signin.passphrase, 'aaaaaaaaaaaa');
    expect(text().textContent).toBe(en.signin.strength.weak);
    type(en.signin.passphrase, 'Harbour lamp 7 violet');
    expect(Number(text().dataset.score)).toBeGreaterThanOrEqual(3);
    expect(screen.getByRole('meter', { name: en.signin.strength.label })).toBeTruthy();
  });

  it('refuses bad fields before calling, each with its own translated sentence', async () => {
    const { type, calls } = await open();
    type(en.signin.officerId, 'Bad Id');
    type(en.signin.name, ' padded ');
    type(en.signin.passphrase, 'short');
    fireEvent.click(screen.getByTestId('create-submit'));
    expect(screen.getByTestId('create-error-officerId').textContent).toBe(en.signin.invalid.officerId);
    expect(screen.getByTestId('create-error-name').textContent).toBe(en.signin.invalid.name);
    expect(screen.getByTestId('create-error-passphrase').textContent).toBe(en.signin.invalid.passphraseShort.replace('{{min}}', '10'));
    expect(document.activeElement).toBe(screen.getByLabelText(en.signin.officerId));
    type(en.signin.officerId, 'alice');
    type(en.signin.name, 'Alice Smith');
    type(en.signin.passphrase, 'a long enough passphrase');
    type(en.signin.confirm, 'a different passphrase');
    fireEvent.click(screen.getByTestId('create-submit'));
    expect(screen.getByTestId('create-error-confirm').textContent).toBe(en.signin.invalid.confirm);
    expect(calls.some((c) => c.name === 'profile.create')).toBe(false);
  });

  it('creates, exports the request, imports files with per-file errors, then opens the desk', async () => {
    const { type, calls, onUnlocked } = await open({
      'profile.create': () => unlocked('credential_missing', 'alice', 'Alice Smith'),
      'profile.enrolmentRequest': () => ({ officerId: 'alice', content: '{"signed":"request"}', fingerprint: 'abcd 1234', file: '/home/x/exports/alice.request.json' }),
      'profile.import': ({ files }) => ({
        results: [
          { ok: true, name: files[0]!.name, kind: 'credential', subject: 'alice', outcome: 'new' },
          { ok: false, name: files[1]!.name, error: { code: 'signed_malformed', message: 'x' } },
        ],
        imported: 1,
        session: unlocked('in_force', 'alice', 'Alice Smith'),
      }),
    });
    type(en.signin.officerId, 'alice');
    type(en.signin.name, 'Alice Smith');
    type(en.signin.passphrase, 'a long enough passphrase');
    type(en.signin.confirm, 'a long enough passphrase');
    fireEvent.click(screen.getByTestId('create-submit'));
    await screen.findByTestId('onboarding');
    expect(calls.find((c) => c.name === 'profile.create')?.input).toEqual({ officerId: 'alice', name: 'Alice Smith', passphrase: 'a long enough passphrase' });
    expect(screen.getByTestId('onboard-standing').textContent).toContain(en.signin.standing.credential_missing);

    fireEvent.click(screen.getByTestId('enrolment-export'));
    expect((await screen.findByTestId('enrolment-fingerprint')).textContent).toBe('abcd 1234');
    expect(screen.getByTestId('enrolment-file').textContent).toContain('/home/x/exports/alice.request.json');

    const input = screen.getByLabelText(en.signin.import.files) as HTMLInputElement;
    const files = [new File(['{"cred":1}'], 'alice.cred.json'), new File(['not json'], 'notes.txt')];
    Object.defineProperty(input, 'files', { value: files });
    fireEvent.click(screen.getByTestId('import-submit'));
    const rows = await screen.findAllByTestId('import-result');
    expect(rows.map((r) => r.dataset.ok)).toEqual(['true', 'false']);
    expect(rows[1]!.textContent).toContain(en.errors.signed_malformed);
    expect(rows[1]!.textContent).toContain('notes.txt');
    const sent = calls.find((c) => c.name === 'profile.import')?.input as { files: { name: string; data: string }[] };
    expect(atob(sent.files[0]!.data)).toBe('{"cred":1}');
    expect(within(screen.getByTestId('import-results')).getByRole('status').textContent).toBe('1 of 2 files imported.');
    expect(screen.getByTestId('onboard-standing').textContent).toContain(en.signin.standing.in_force);

    fireEvent.click(screen.getByRole('button', { name: en.signin.onboard.continue }));
    expect(onUnlocked).toHaveBeenCalledWith(unlocked('in_force', 'alice', 'Alice Smith'));
  });

  it('asks for files before importing and translates a refused create', async () => {
    const { type } = await open({ 'profile.create': () => refuse('keystore_exists') });
    type(en.signin.officerId, 'alice');
    type(en.signin.name, 'Alice Smith');
    type(en.signin.passphrase, 'a long enough passphrase');
    type(en.signin.confirm, 'a long enough passphrase');
    fireEvent.click(screen.getByTestId('create-submit'));
    expect((await screen.findByRole('alert')).textContent).toBe(en.errors.keystore_exists);
  });
});

describe('passphraseStrength', () => {
  it('grows with length and variety, and never rates a short one', () => {
    expect(passphraseStrength('Zq9!xR#2').score).toBe(0);
    expect(passphraseStrength('abcdefghijklmnop').score).toBeLessThanOrEqual(1);
    expect(passphraseStrength('1111111111111111111111').score).toBe(1);
    expect(passphraseStrength('correct horse battery staple').score).toBeGreaterThanOrEqual(3);
    expect(passphraseStrength('Violet harbour, 7 lamps & one quiet train!').score).toBe(4);
  });
});
