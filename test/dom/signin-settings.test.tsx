import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { SettingsView } from '../../renderer/src/views/signin/SettingsView';
import { en } from '../../renderer/src/i18n/en';
import { fr } from '../../renderer/src/i18n/fr';
import { compileSpif } from '../../main/policy';
import type { Settings, SettingsPatch } from '../../shared/api/settings-schemas';
import { fakeApi, refuse, renderIn } from '../helpers/fake-api';

afterEach(cleanup);

const nato = compileSpif(readFileSync('policies/nato.xml', 'utf8'));
const confidential = nato.classifications.find((c) => c.name === 'CONFIDENTIAL')!;
const initial: Settings = { language: 'en', ceiling: null, sessionMode: 'normal', autoLockMinutes: 10, notificationLevel: null, contentProtectionLevel: null, relayUrl: null };

function settingsApi() {
  let current = initial;
  return fakeApi({
    'settings.get': () => current,
    'settings.set': (patch: SettingsPatch) => (patch.autoLockMinutes === 77 ? refuse('audit_write_failed') : (current = { ...current, ...patch })),
    'display.context': () => ({ language: 'en', viewer: { standing: 'in_force', credential: null, clearance: null, ceiling: null, sessionMode: 'normal', cap: null }, policies: [nato] }),
  });
}

describe('SettingsView', () => {
  it('sets the ceiling, the session mode and the levels from the policies held', async () => {
    const { api, calls } = settingsApi();
    renderIn(<SettingsView api={api} />);
    const ceiling = await screen.findByTestId('settings-ceiling');
    fireEvent.change(ceiling, { target: { value: `${nato.id}#${confidential.lacv}` } });
    await waitFor(() => expect(calls.at(-1)).toEqual({ name: 'settings.set', input: { ceiling: { policyId: nato.id, classification: confidential.lacv } } }));
    expect((await screen.findByRole('status')).textContent).toBe(`Saved: ${en.signin.settings.ceiling}.`);
    fireEvent.change(screen.getByTestId('settings-session-mode'), { target: { value: 'travelling' } });
    await waitFor(() => expect(calls.at(-1)?.input).toEqual({ sessionMode: 'travelling' }));
    fireEvent.change(screen.getByTestId('settings-notification'), { target: { value: '' } });
    await waitFor(() => expect(calls.at(-1)?.input).toEqual({ notificationLevel: null }));
    fireEvent.change(screen.getByTestId('settings-protection'), { target: { value: `${nato.id}#${confidential.lacv}` } });
    await waitFor(() => expect(calls.at(-1)?.input).toEqual({ contentProtectionLevel: { policyId: nato.id, classification: confidential.lacv } }));
  });

  it('checks the auto-lock minutes before sending and shows a refusal as a sentence', async () => {
    const { api, calls } = settingsApi();
    renderIn(<SettingsView api={api} />);
    const minutes = await screen.findByTestId('settings-autolock');
    fireEvent.change(minutes, { target: { value: '0' } });
    fireEvent.submit(minutes.closest('form')!);
    expect(screen.getByTestId('settings-autolock-hint').textContent).toBe('Give a whole number of minutes between 1 and 480.');
    expect(calls.some((c) => c.name === 'settings.set')).toBe(false);
    fireEvent.change(minutes, { target: { value: '77' } });
    fireEvent.submit(minutes.closest('form')!);
    expect((await screen.findByRole('alert')).textContent).toBe(en.errors.audit_write_failed);
    fireEvent.change(minutes, { target: { value: '30' } });
    fireEvent.submit(minutes.closest('form')!);
    await waitFor(() => expect(calls.at(-1)?.input).toEqual({ autoLockMinutes: 30 }));
  });

  it('switches the language at once', async () => {
    const { api } = settingsApi();
    renderIn(<SettingsView api={api} />);
    fireEvent.change(await screen.findByTestId('settings-language'), { target: { value: 'fr' } });
    expect(await screen.findByRole('heading', { name: fr.signin.settings.title })).toBeTruthy();
    expect(document.documentElement.lang).toBe('fr');
  });
});
