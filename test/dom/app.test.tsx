import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from '../../renderer/src/App';
import { createClient, type Transport } from '../../renderer/src/api/client';
import { dispatch } from '../../main/core/dispatch';
import { FilePrefsStore } from '../../main/core/file-prefs-store';
import { makeService } from '../helpers/service';
import { tempDir } from '../helpers/tmp';
import { en } from '../../renderer/src/i18n/en';
import { fr } from '../../renderer/src/i18n/fr';

/** The renderer's real client wired straight to a real Service: only the wire is skipped. */
const direct = (dir: string): Transport => {
  const service = makeService(dir, 'electron');
  return (name, input) => dispatch(service, name, input);
};

describe('App shell', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => {
    cleanup();
    dir.remove();
  });

  it('shows what the Service reports, in English by default', async () => {
    render(<App api={createClient(direct(dir.path))} />);
    expect(await screen.findByTestId('app-mode')).toHaveProperty('textContent', en.shell.mode.electron);
    expect(screen.getByTestId('app-version').textContent).toBe('Version 0.0.0-test');
    // The document's language follows the preferences in an effect after they load: wait for it.
    await waitFor(() => expect(document.documentElement.lang).toBe('en'));
  });

  it('switches to French, persists the choice and renders French on the next start', async () => {
    const first = render(<App api={createClient(direct(dir.path))} />);
    const select = await screen.findByLabelText(en.settings.language);
    fireEvent.change(select, { target: { value: 'fr' } });
    await waitFor(() => expect(screen.getByRole('heading', { level: 2, name: fr.settings.title })).toBeTruthy());
    expect(document.documentElement.lang).toBe('fr');
    expect(new FilePrefsStore(dir.path).read().language).toBe('fr');
    first.unmount();

    render(<App api={createClient(direct(dir.path))} />);
    expect(await screen.findByText(fr.shell.mode.electron)).toBeTruthy();
  });

  it('shows a translated error when the Service cannot be reached', async () => {
    const unreachable: Transport = async () => {
      throw new Error('socket closed');
    };
    render(<App api={createClient(unreachable)} />);
    expect((await screen.findByRole('alert')).textContent).toBe(en.errors.connection);
  });

  it('refuses an answer that does not match the contract', async () => {
    const lying: Transport = async () => ({ ok: true, value: { name: 'Impostor' } });
    render(<App api={createClient(lying)} />);
    expect((await screen.findByRole('alert')).textContent).toBe(en.errors.internal);
  });

  it('translates coded errors from the Service', async () => {
    const refusing: Transport = async () => ({ ok: false, error: { code: 'forbidden_origin', message: 'x' } });
    render(<App api={createClient(refusing)} />);
    expect((await screen.findByRole('alert')).textContent).toBe(en.errors.forbidden_origin);
  });
});
