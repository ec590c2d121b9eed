import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { en } from '../../renderer/src/i18n/en';
import { relayCliArgs, spawnRelayProcess, type RelayProcess } from '../helpers/relay-process';
import { tempDir } from '../helpers/tmp';
import { ententeCli, axe, CLI, EVAL, exportEnrolmentRequest, fillCreateProfile, importFiles, lowerCeilingUntilRedacted, openApp, startEval, stopEval, submitCreateProfile, type OfficerWindow } from './desktop-helpers';

/**
 * Issue 8's whole journey with nothing prepared: two agencies of two nations set up with the built
 * `entente` (cards, an agreement countersigned with a NATO CONFIDENTIAL ceiling), a real relay trusting
 * both, and two officers, each in the built app in evaluation mode with its own empty ENTENTE_HOME and
 * its own Chromium. Each creates a profile, exports the enrolment request, and imports what the CLI
 * issued (Alice of UK MOD cleared NATO SECRET, Benoit of DGSE NATO CONFIDENTIAL). Alice creates a
 * channel with Benoit and a colleague of hers (a CLI profile, so that the SECRET note has someone to go
 * to) and writes at three labels; the preview says Benoit is withheld from the SECRET one, which he
 * never receives. Lowering Benoit's workstation ceiling turns the CONFIDENTIAL note into a redaction
 * card; both audit views list these events and verify.
 */
const NATO = '1.3.26.1.3.1';
const RUN = Date.now().toString(36);
const TEXTS = { 1: `Ferry timetable changed ${RUN}`, 3: `Liaison meeting moved to Lille ${RUN}`, 4: `Informant names the harbour ${RUN}` } as const;

interface Officer extends OfficerWindow {
  agency: string;
  officerId: string;
  name: string;
  clearance: string;
  passphrase: string;
  child: ChildProcess;
  home: ReturnType<typeof tempDir>;
}

let root: ReturnType<typeof tempDir>;
let relay: RelayProcess;
let entente: ReturnType<typeof ententeCli>;
const officers: Officer[] = [];
let alice: Officer;
let benoit: Officer;

const file = (name: string) => join(root.path, name);

async function officer(o: Pick<Officer, 'agency' | 'officerId' | 'name' | 'clearance' | 'passphrase'>): Promise<Officer> {
  const home = tempDir('entente-home-');
  const { child, url } = await startEval({ ENTENTE_HOME: home.path, ENTENTE_RELAY_URL: relay.url });
  const made: Officer = { ...o, child, home, ...(await openApp(url)) };
  officers.push(made);
  return made;
}

/** Whether the relay logged the officer's signed prekey as published (the directory then lists it). */
const publishedPrekey = (key: string): boolean =>
  relay
    .stderr()
    .split('\n')
    .some((line) => line.includes('"event":"published"') && line.includes(`"officer":"${key}"`) && line.includes('"kind":"prekey"'));

/** Onboarding in the UI, from an empty workstation to the desk, the credential issued by the CLI in between. */
async function onboard(o: Officer): Promise<void> {
  const { page } = o;
  await expect.poll(() => page.getByText(en.signin.noProfiles).count(), { timeout: 20_000 }).toBe(1);
  await page.getByTestId('create-profile').click();
  await fillCreateProfile(page, o);
  await submitCreateProfile(page);
  const request = await exportEnrolmentRequest(page, o.home.path);
  const dir = o.agency === 'gbr-mod' ? 'gbr' : 'fra';
  entente('agency', 'issue', '--dir', dir, '--request', request, '--clearance', o.clearance, '--out', `${o.officerId}.cred.json`);
  await importFiles(page, [file(`${o.officerId}.cred.json`), file('gbr.card.json'), file('fra.card.json'), file('agreement.json')]);
  expect(await page.getByTestId('onboard-standing').textContent()).toContain(en.signin.standing.in_force);
  await page.getByRole('button', { name: en.signin.onboard.continue }).click();
  await page.getByTestId('desktop').waitFor({ timeout: 30_000 });
  await expect.poll(() => publishedPrekey(`${o.agency}/${o.officerId}`), { timeout: 20_000 }).toBe(true);
}

async function compose(page: Page, lacv: 1 | 3 | 4): Promise<string> {
  await page.getByTestId('compose-label').selectOption(String(lacv));
  await page.getByTestId('compose-text').fill(TEXTS[lacv]);
  await expect.poll(() => page.getByTestId('compose-send').isEnabled(), { timeout: 15_000 }).toBe(true);
  return (await page.getByTestId('compose-preview').textContent()) ?? '';
}

async function send(page: Page): Promise<void> {
  await page.getByTestId('compose-send').click();
  await expect.poll(() => page.getByTestId('compose-outcome').textContent(), { timeout: 15_000 }).toMatch(/^(Sent with the marking|Saved;)/);
}

beforeAll(async () => {
  expect(existsSync(CLI) && existsSync(EVAL), 'run `npm run build` first').toBe(true);
  root = tempDir('entente-journey-');
  entente = ententeCli(root.path);
  const kdf = ['--kdf', 'interactive'];
  entente('agency', 'init', '--dir', 'gbr', '--id', 'gbr-mod', '--name', 'UK MOD', '--country', 'GBR', '--policy', 'nato', ...kdf);
  entente('agency', 'init', '--dir', 'fra', '--id', 'fra-dgse', '--name', 'DGSE', '--country', 'FRA', '--policy', 'nato', ...kdf);
  entente('agency', 'card', '--dir', 'gbr', '--out', 'gbr.card.json');
  entente('agency', 'card', '--dir', 'fra', '--out', 'fra.card.json');
  entente('agency', 'agree', '--dir', 'gbr', '--partner', 'fra.card.json', '--ceiling', 'NATO CONFIDENTIAL', '--out', 'agreement.json');
  entente('agency', 'countersign', '--dir', 'fra', '--agreement', 'agreement.json', '--partner', 'gbr.card.json', '--out', 'agreement.json');
  mkdirSync(file('relay'), { mode: 0o700 });
  relay = await spawnRelayProcess({ args: relayCliArgs(CLI, { listen: '127.0.0.1:0', data: file('relay'), cards: [file('gbr.card.json'), file('fra.card.json')] }) });

  // Alice's colleague, on the command line: enrolled, issued, and logged in to the relay once.
  const carol = ententeCli(root.path, { ENTENTE_PASSPHRASE: 'colleague profile passphrase' });
  carol('profile', 'init', '--profile', 'carol', '--officer-id', 'carol', '--name', 'Carol Evans', '--out', 'carol.request.json', ...kdf);
  entente('agency', 'issue', '--dir', 'gbr', '--request', 'carol.request.json', '--clearance', 'NATO SECRET', '--out', 'carol.cred.json');
  carol('profile', 'import', '--profile', 'carol', 'carol.cred.json', 'gbr.card.json', 'fra.card.json', 'agreement.json');
  carol('sync', '--profile', 'carol', '--relay', relay.url);
  // Outside a test expect.poll is not available: the relay's log reaches its pipe a moment after the answer.
  for (const deadline = Date.now() + 5_000; !publishedPrekey('gbr-mod/carol') && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
  expect(publishedPrekey('gbr-mod/carol'), relay.stderr().slice(-2000)).toBe(true);
}, 60_000);

afterAll(async () => {
  for (const o of officers) {
    await o.browser.close().catch(() => undefined);
    await stopEval(o.child);
    o.home.remove();
  }
  await relay?.stop();
  root?.remove();
}, 30_000);

describe('two officers of two agencies, from an empty workstation to an audited exchange', () => {
  it('each onboards in the UI; Alice writes at three labels and Benoit gets the two below the agreement ceiling only', async () => {
    [alice, benoit] = await Promise.all([
      officer({ agency: 'gbr-mod', officerId: 'alice', name: 'Alice Smith', clearance: 'NATO SECRET', passphrase: 'violet harbour lamps at seven' }),
      officer({ agency: 'fra-dgse', officerId: 'benoit', name: 'Benoit Durand', clearance: 'NATO CONFIDENTIAL', passphrase: 'grey lighthouse keeps its watch' }),
    ]);
    await Promise.all([onboard(alice), onboard(benoit)]);

    // Alice opens a channel with Benoit and Carol; their credentials and prekeys come from the relay's directory.
    const ap = alice.page;
    await ap.getByTestId('new-channel').click();
    await ap.getByTestId('new-channel-name').fill('Channel crossing');
    await ap.getByTestId('new-channel-members').fill('fra-dgse/benoit, gbr-mod/carol');
    await ap.getByTestId('new-channel-submit').click();
    await expect.poll(() => ap.getByTestId('new-channel-outcome').textContent(), { timeout: 15_000 }).toContain('Channel “Channel crossing” created');
    expect(await ap.getByTestId('new-channel-outcome').textContent()).not.toContain('Not told');
    await ap.locator('button.channel', { hasText: 'Channel crossing' }).click();
    await axe(ap, 'channels with the new-channel form');

    const unclassified = await compose(ap, 1);
    expect(unclassified).toContain('Benoit Durand');
    expect(unclassified).not.toContain('Withheld');
    await send(ap);

    const confidential = await compose(ap, 3);
    expect(confidential).toContain('NATO CONFIDENTIAL');
    expect(await ap.getByTestId('compose-eligible').textContent()).toContain('Benoit Durand');
    await send(ap);

    const secret = await compose(ap, 4);
    expect(secret).toContain('NATO SECRET');
    const withheld = (await ap.getByTestId('compose-withheld').textContent()) ?? '';
    expect(withheld).toContain('Benoit Durand');
    expect(withheld).toContain('above the agreement’s ceiling');
    const eligible = (await ap.getByTestId('compose-eligible').textContent()) ?? '';
    expect(eligible).toContain('Carol Evans');
    expect(eligible).not.toContain('Benoit Durand');
    await send(ap);
    for (const text of Object.values(TEXTS)) await ap.getByText(text).waitFor({ timeout: 15_000 });

    // Benoit: the channel arrives with its two notes; the SECRET one never does, not even as a redaction card.
    const bp = benoit.page;
    await bp.locator('button.channel', { hasText: 'Channel crossing' }).click({ timeout: 30_000 });
    await bp.getByText(TEXTS[1]).waitFor({ timeout: 30_000 });
    await bp.getByText(TEXTS[3]).waitFor({ timeout: 30_000 });
    await new Promise((r) => setTimeout(r, 3000));
    expect(await bp.getByText(TEXTS[4]).count()).toBe(0);
    expect(await bp.locator('article[data-testid^="redacted-"]').count()).toBe(0);
    const shown = bp.locator('article[data-testid^="note-"]', { hasText: TEXTS[3] });
    expect(await shown.textContent()).toContain('NATO CONFIDENTIAL');
    expect(await shown.textContent()).toContain('Alice Smith');
    await expect.poll(() => bp.getByTestId('banner-top').textContent()).toBe('NATO CONFIDENTIAL');
    expect(alice.problems).toEqual([]);
    expect(benoit.problems).toEqual([]);
  }, 90_000);

  it('lowering Benoit’s workstation ceiling to RESTRICTED turns the CONFIDENTIAL note into a redaction card', async () => {
    const bp = benoit.page;
    const card = await lowerCeilingUntilRedacted(bp, TEXTS[3] as string, NATO, 2);
    expect(card).toContain('NATO CONFIDENTIAL');
    expect(card).toContain('above the accreditation ceiling of this workstation');
    expect(card).not.toContain(TEXTS[3]);
    await bp.getByText(TEXTS[1]).waitFor({ timeout: 15_000 });
    await expect.poll(() => bp.getByTestId('banner-top').textContent()).toBe('NATO UNCLASSIFIED');
  }, 30_000);

  it('both audit views list the channel, the notes and the ceiling change, and verify', async () => {
    const expected: [Officer, string[]][] = [
      [alice, ['channel_created', 'note_sealed', 'note_displayed']],
      [benoit, ['channel_created', 'note_received', 'note_displayed', 'settings_changed']],
    ];
    for (const [o, types] of expected) {
      const { page } = o;
      await page.getByTestId('nav-audit').click();
      await expect.poll(() => page.getByTestId('audit-row').count(), { timeout: 15_000 }).toBeGreaterThan(0);
      for (const type of types) {
        // The table is virtualized: filtered by type, so that the entry is on screen however old it is.
        await page.getByTestId('audit-type').selectOption(type);
        const name = en.review.audit.types[type as keyof typeof en.review.audit.types];
        await expect.poll(() => page.getByTestId('audit-row').filter({ hasText: name }).count(), { timeout: 15_000, message: `${o.officerId}: ${type}` }).toBeGreaterThan(0);
      }
      await page.getByTestId('audit-type').selectOption('');
      await page.getByTestId('audit-verify').click();
      await expect.poll(() => page.getByTestId('audit-integrity').getAttribute('data-state'), { timeout: 30_000 }).toBe('intact');
    }
  }, 30_000);
});
