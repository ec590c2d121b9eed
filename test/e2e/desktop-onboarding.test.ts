import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { en } from '../../renderer/src/i18n/en';
import { fr } from '../../renderer/src/i18n/fr';
import { tempDir } from '../helpers/tmp';
import { axe, CLI, ententeCli, EVAL, exportEnrolmentRequest, fillCreateProfile, importFiles, openApp, SHOTS, startEval, stopEval, submitCreateProfile, type OfficerWindow } from './desktop-helpers';

/**
 * Issue 8's first run, end to end: the built app in evaluation mode on an empty ENTENTE_HOME, an
 * alliance's agency side set up with the built `entente` CLI, Debian's Chromium as the officer. The
 * officer creates a profile, exports the enrolment request; the security officer issues the
 * credential from it; the officer imports it with the agency cards and the agreement (and one wrong
 * file), then reviews settings, partners and the audit. axe on every view, screenshots in EN and FR.
 */
const PASSPHRASE = 'violet harbour lamps at seven';

let agency: ReturnType<typeof tempDir>;
let home: ReturnType<typeof tempDir>;
let child: ChildProcess;
let officer: OfficerWindow;
let page: Page;
let entente: ReturnType<typeof ententeCli>;

async function shot(view: string, lang: 'en' | 'fr'): Promise<void> {
  await axe(page, `${view}-${lang}`);
  await page.screenshot({ path: `${SHOTS}/${view}-${lang}.png`, fullPage: true });
}

beforeAll(async () => {
  expect(existsSync(CLI), 'run `npm run build` first').toBe(true);
  expect(existsSync(EVAL), 'run `npm run build` first').toBe(true);
  mkdirSync(SHOTS, { recursive: true });
  agency = tempDir('entente-agency-');
  home = tempDir('entente-home-');
  entente = ententeCli(agency.path);
  const kdf = ['--kdf', 'interactive'];
  entente('agency', 'init', '--dir', 'gbr', '--id', 'gbr-mod', '--name', 'UK MOD', '--country', 'GBR', '--policy', 'nato', ...kdf);
  entente('agency', 'init', '--dir', 'fra', '--id', 'fra-dgse', '--name', 'DGSE', '--country', 'FRA', '--policy', 'nato', ...kdf);
  entente('agency', 'card', '--dir', 'gbr', '--out', 'gbr.card.json');
  entente('agency', 'card', '--dir', 'fra', '--out', 'fra.card.json');
  entente('agency', 'agree', '--dir', 'gbr', '--partner', 'fra.card.json', '--ceiling', 'NATO CONFIDENTIAL', '--out', 'agreement.json');
  entente('agency', 'countersign', '--dir', 'fra', '--agreement', 'agreement.json', '--partner', 'gbr.card.json', '--out', 'agreement.json');
  writeFileSync(join(agency.path, 'shopping-list.txt'), 'milk, bread, not an Entente file\n');

  let url: string;
  ({ child, url } = await startEval({ ENTENTE_HOME: home.path }));
  officer = await openApp(url);
  page = officer.page;
}, 120_000);

afterAll(async () => {
  await officer?.browser.close();
  if (child !== undefined) await stopEval(child);
  agency?.remove();
  home?.remove();
});

const files = (...names: string[]) => names.map((n) => join(agency.path, n));

describe('first run of the desktop in evaluation mode', () => {
  it('creates a profile, enrols, imports, and reviews settings, partners and audit', async () => {
    // Sign-in on an empty workstation.
    await expect.poll(() => page.getByText(en.signin.noProfiles).count(), { timeout: 20_000 }).toBe(1);
    await shot('signin', 'en');

    // Create: from the keyboard, the strength meter following.
    await page.getByTestId('create-profile').click();
    await fillCreateProfile(page, { officerId: 'alice', name: 'Alice Smith', passphrase: 'short' });
    expect(await page.getByTestId('strength-text').textContent()).toBe(en.signin.strength.tooShort);
    await page.getByLabel(en.signin.passphrase, { exact: true }).fill(PASSPHRASE);
    await page.getByLabel(en.signin.confirm).fill(PASSPHRASE);
    expect(await page.getByTestId('strength-text').textContent()).not.toBe(en.signin.strength.tooShort);
    await shot('create', 'en');
    await submitCreateProfile(page);

    // The enrolment request goes to the agency, which issues the credential from it.
    const request = await exportEnrolmentRequest(page, home.path);
    entente('agency', 'issue', '--dir', 'gbr', '--request', request, '--clearance', 'NATO SECRET', '--out', 'alice.cred.json');

    // A wrong file is refused on its own line, in words.
    await page.getByTestId('import-files').setInputFiles(files('shopping-list.txt'));
    await page.getByTestId('import-submit').click();
    const refused = page.locator('[data-testid="import-result"][data-ok="false"]');
    await expect.poll(() => refused.count()).toBe(1);
    const refusal = (await refused.textContent()) ?? '';
    expect(refusal).toContain('shopping-list.txt');
    expect(Object.values(en.errors).some((sentence) => refusal.includes(sentence))).toBe(true);

    await importFiles(page, files('alice.cred.json', 'gbr.card.json', 'fra.card.json', 'agreement.json'));
    expect(await page.getByTestId('onboard-standing').textContent()).toContain(en.signin.standing.in_force);
    await shot('import', 'en');
    await page.getByRole('button', { name: en.signin.onboard.continue }).click();

    // Settings.
    await page.getByTestId('nav-settings').click();
    await expect.poll(() => page.getByTestId('settings-ceiling').count(), { timeout: 20_000 }).toBe(1);
    await page.getByTestId('settings-autolock').fill('25');
    await page.getByTestId('settings-autolock').press('Enter');
    await expect.poll(() => page.getByText('Saved: ' + en.signin.settings.autoLock + '.').count()).toBe(1);
    await shot('settings', 'en');

    // Partners: both agencies and the agreement with its ceiling.
    await page.getByTestId('nav-partners').click();
    await expect.poll(() => page.getByTestId('agreement').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('agreement').textContent()).toContain('CONFIDENTIAL');
    expect(await page.getByTestId('agencies').textContent()).toContain('DGSE');
    await shot('partners', 'en');

    // Audit: entries, chart, and an intact chain.
    await page.getByTestId('nav-audit').click();
    await expect.poll(() => page.getByTestId('audit-row').count(), { timeout: 20_000 }).toBeGreaterThan(3);
    await expect.poll(() => page.getByTestId('audit-chart').count(), { timeout: 15_000 }).toBe(1);
    await page.getByTestId('audit-verify').click();
    await expect.poll(() => page.getByTestId('audit-integrity').getAttribute('data-state'), { timeout: 30_000 }).toBe('intact');
    await shot('audit', 'en');

    // French, through the profile's settings.
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-language').selectOption('fr');
    await expect.poll(() => page.getByTestId('settings-view').getByRole('heading', { level: 2, name: fr.signin.settings.title }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    // The import in French: the wrong file again, its reason translated.
    await page.getByTestId('import-files').setInputFiles(files('shopping-list.txt'));
    await page.getByTestId('import-submit').click();
    await expect.poll(() => page.locator('[data-testid="import-result"][data-ok="false"]').count()).toBe(1);
    const refusalFr = (await page.locator('[data-testid="import-result"][data-ok="false"]').textContent()) ?? '';
    expect(Object.values(fr.errors).some((sentence) => refusalFr.includes(sentence))).toBe(true);
    await shot('settings', 'fr');
    await page.getByTestId('import-results').scrollIntoViewIfNeeded();
    await shot('import', 'fr');

    await page.getByTestId('nav-partners').click();
    await expect.poll(() => page.getByTestId('agreement').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('agreement').textContent()).toContain(fr.review.partners.states.in_force);
    await shot('partners', 'fr');

    await page.getByTestId('nav-audit').click();
    await expect.poll(() => page.getByTestId('audit-row').count(), { timeout: 20_000 }).toBeGreaterThan(3);
    await page.getByTestId('audit-verify').click();
    await expect.poll(() => page.getByTestId('audit-integrity').getAttribute('data-state'), { timeout: 30_000 }).toBe('intact');
    expect(await page.getByTestId('audit-integrity').textContent()).toMatch(/^Intact : /);
    await shot('audit', 'fr');

    // Locked, the profile is listed by its officer id (main keeps a real profile's name inside the encrypted database); create in French.
    await page.getByTestId('lock').click();
    await expect.poll(() => page.getByRole('button', { name: 'alice', exact: true }).count(), { timeout: 20_000 }).toBe(1);
    await shot('signin', 'fr');
    await page.getByTestId('create-profile').click();
    await page.getByLabel(fr.signin.passphrase, { exact: true }).fill(PASSPHRASE);
    expect(await page.getByTestId('strength-text').textContent()).not.toBe(fr.signin.strength.tooShort);
    await shot('create', 'fr');

    // And back in with the keyboard.
    await page.getByRole('button', { name: fr.signin.back }).click();
    await page.getByRole('button', { name: 'alice', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel(fr.signin.passphrase).fill(PASSPHRASE);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('nav-audit').count(), { timeout: 60_000 }).toBe(1);
    expect(officer.problems).toEqual([]);
  }, 300_000);
});
