import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureDemoAlliance, type DemoManifest } from '../../cli/demo-alliance';
import { KDF_PARAMS, sodiumReady } from '../../main/crypto/sodium';
import { relayCliArgs, spawnRelayProcess, type RelayProcess } from '../helpers/relay-process';
import { tempDir } from '../helpers/tmp';
import { axe, CLI, EVAL, lowerCeilingUntilRedacted, openApp, SHOTS, startEval, stopEval, type OfficerWindow } from './desktop-helpers';

/**
 * Issue 8's exchange, end to end: the built app in evaluation mode once per officer (its own
 * ENTENTE_HOME, the demo alliance through ENTENTE_DEMO_DIR), a real relay process, and Debian's
 * Chromium for each officer. Camille (fr-demo, NATO SECRET) writes at three labels; Jonas (de-demo,
 * whose agreement with fr-demo stops at RESTRICTED) gets two, never the third.
 */
const NATO = '1.3.26.1.3.1';
const RUN = Date.now().toString(36);
const TEXTS = { 1: `Border crossing open ${RUN}`, 2: `Convoy moves at dawn ${RUN}`, 3: `Source confirmed the route ${RUN}` } as const;
const NOTIFIED = { 1: `Checkpoint staffed ${RUN}`, 2: `Fuel convoy delayed ${RUN}` } as const;

interface Officer extends OfficerWindow {
  name: string;
  passphrase: string;
  child: ChildProcess;
  home: ReturnType<typeof tempDir>;
}

let root: ReturnType<typeof tempDir>;
let manifest: DemoManifest;
let relay: RelayProcess;
const officers: Officer[] = [];

async function officer(officerId: string): Promise<Officer> {
  const o = manifest.officers.find((x) => x.officerId === officerId);
  if (o === undefined) throw new Error(`no demo officer ${officerId}`);
  const home = tempDir('entente-home-');
  const { child, url } = await startEval({ ENTENTE_HOME: home.path, ENTENTE_DEMO_DIR: join(root.path, 'demo'), ENTENTE_RELAY_URL: relay.url });
  const made = { name: o.name, passphrase: o.passphrase, child, home, ...(await openApp(url)) };
  officers.push(made);
  return made;
}

async function signIn(o: Officer): Promise<void> {
  const { page } = o;
  await page.getByRole('button', { name: o.name }).first().click();
  await page.getByLabel('Passphrase').fill(o.passphrase);
  await page.getByTestId('unlock').click();
  await page.getByTestId('desktop').waitFor({ timeout: 30_000 });
  await page.getByTestId(`channel-${manifest.channelId}`).click();
}

async function compose(page: Page, lacv: 1 | 2 | 3, text: string = TEXTS[lacv]): Promise<string> {
  await page.getByTestId('compose-label').selectOption(String(lacv));
  await page.getByTestId('compose-text').fill(text);
  await expect.poll(() => page.getByTestId('compose-send').isEnabled(), { timeout: 15_000 }).toBe(true);
  return (await page.getByTestId('compose-preview').textContent()) ?? '';
}

async function send(page: Page): Promise<void> {
  await page.getByTestId('compose-send').click();
  await expect.poll(() => page.getByTestId('compose-outcome').textContent(), { timeout: 15_000 }).toMatch(/^(Sent with the marking|Saved;)/);
}

beforeAll(async () => {
  expect(existsSync(EVAL), 'run `npm run build` first').toBe(true);
  mkdirSync(SHOTS, { recursive: true });
  await sodiumReady();
  root = tempDir('entente-exchange-');
  const demoDir = join(root.path, 'demo');
  ({ manifest } = await ensureDemoAlliance(demoDir, { kdf: KDF_PARAMS.INTERACTIVE }));
  relay = await spawnRelayProcess({
    args: relayCliArgs(CLI, { listen: '127.0.0.1:0', data: join(demoDir, manifest.relayData), cards: manifest.cards.map((c) => join(demoDir, c)) }),
  });
}, 180_000);

afterAll(async () => {
  for (const o of officers) {
    await o.browser.close().catch(() => undefined);
    await stopEval(o.child);
    o.home.remove();
  }
  await relay?.stop();
  root?.remove();
}, 60_000);

describe('two officers of two agencies exchange notes through the desktop', () => {
  it('Camille sends at three labels; the preview withholds Jonas from the one above the fr–de ceiling; Jonas gets the other two only', async () => {
    const camille = await officer('camille');
    const jonas = await officer('jonas');
    await signIn(camille);
    await signIn(jonas);
    const cp = camille.page;

    const unclassified = await compose(cp, 1);
    expect(unclassified).toContain('Jonas Weber');
    expect(unclassified).not.toContain('Withheld');
    await send(cp);

    const restricted = await compose(cp, 2);
    expect(restricted).toContain('NATO RESTRICTED');
    expect(restricted).not.toContain('Withheld');
    await send(cp);

    const confidential = await compose(cp, 3);
    expect(confidential).toContain('NATO CONFIDENTIAL');
    const withheld = (await cp.getByTestId('compose-withheld').textContent()) ?? '';
    expect(withheld).toContain('Jonas Weber');
    expect(withheld).toContain('above the agreement’s ceiling');
    expect(await cp.getByTestId('compose-eligible').textContent()).not.toContain('Jonas Weber');
    await cp.screenshot({ path: `${SHOTS}/compose-en.png`, fullPage: true });
    await send(cp);

    // Camille sees her three notes, marked, with their delivery state.
    for (const text of Object.values(TEXTS)) await cp.getByText(text).waitFor({ timeout: 15_000 });
    const mine = cp.locator('article[data-testid^="note-"]', { hasText: TEXTS[3] });
    expect(await mine.textContent()).toContain('NATO CONFIDENTIAL');
    expect(await mine.textContent()).toMatch(/Delivery: (waiting to be sent|held at the relay|delivered)/);
    await expect.poll(() => cp.getByTestId('banner-top').textContent()).toContain('NATO');

    const jp = jonas.page;
    await jp.getByText(TEXTS[1]).waitFor({ timeout: 30_000 });
    await jp.getByText(TEXTS[2]).waitFor({ timeout: 30_000 });
    // Give the third every chance to arrive: it must not, not even as a redaction card.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await jp.getByText(TEXTS[3]).count()).toBe(0);
    expect(await jp.locator('article[data-testid^="redacted-"]').count()).toBe(0);
    const jRestricted = jp.locator('article[data-testid^="note-"]', { hasText: TEXTS[2] });
    expect(await jRestricted.textContent()).toContain('NATO RESTRICTED');
    expect(await jRestricted.textContent()).toContain('Camille Martin');
    await expect.poll(() => jp.getByTestId('banner-top').textContent()).toBe('NATO RESTRICTED');
    expect(await jp.getByTestId('banner-bottom').textContent()).toBe('NATO RESTRICTED');
  }, 180_000);

  it('Jonas’s notifications carry a note’s words only up to the level he set', async () => {
    const [camille, jonas] = officers as [Officer, Officer];
    const jp = jonas.page;
    // The first test's arrivals were announced too ("2 new notes"): clear them so only these count.
    for (const dismiss of await jp.getByTestId('toast').getByRole('button', { name: 'Dismiss' }).all()) await dismiss.click().catch(() => undefined);
    await expect.poll(() => jp.getByTestId('toast').count(), { timeout: 15_000 }).toBe(0);
    await jp.getByTestId('nav-settings').click();
    await jp.getByTestId('settings-notification').selectOption(`${NATO}#1`);
    await expect.poll(() => jp.getByTestId('settings-notification').inputValue()).toBe(`${NATO}#1`);
    await jp.getByTestId('nav-channels').click();

    await compose(camille.page, 1, NOTIFIED[1]);
    await send(camille.page);
    const shown = jp.locator('[data-testid="toast"][data-content="shown"]', { hasText: NOTIFIED[1] });
    await shown.waitFor({ timeout: 30_000 });
    expect(await shown.textContent()).toContain('NATO UNCLASSIFIED');
    expect(await shown.textContent()).toContain('Camille Martin');
    await axe(jp, 'notification (en)');
    await jp.screenshot({ path: `${SHOTS}/notification-en.png`, fullPage: true });

    await compose(camille.page, 2, NOTIFIED[2]);
    await send(camille.page);
    const hidden = jp.locator('[data-testid="toast"][data-content="hidden"]', { hasText: 'Open Entente to read it.' });
    await hidden.first().waitFor({ timeout: 30_000 });
    expect(await hidden.first().textContent()).toContain('New note');
    expect(await jp.getByTestId('toasts').textContent()).not.toContain(NOTIFIED[2]);
    expect(await hidden.first().textContent()).not.toContain('RESTRICTED');
    // The note itself is in the conversation, where the display rules apply.
    await jp.getByText(NOTIFIED[2]).waitFor({ timeout: 15_000 });
    // Open takes the officer to the channel; the toast goes.
    await hidden.first().getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => hidden.count()).toBe(0);
  }, 90_000);

  it('lowering Jonas’s workstation ceiling turns the RESTRICTED note into a redaction card', async () => {
    const jp = officers[1]!.page;
    const card = await lowerCeilingUntilRedacted(jp, TEXTS[2] as string, NATO, 1);
    expect(card).toContain('NATO RESTRICTED');
    expect(card).toContain('above the accreditation ceiling of this workstation');
    expect(card).not.toContain(TEXTS[2]);
    // The UNCLASSIFIED note is still shown, its body asked for again under the new ceiling.
    await jp.getByText(TEXTS[1]).waitFor({ timeout: 15_000 });
    await expect.poll(() => jp.getByTestId('banner-top').textContent()).toBe('NATO UNCLASSIFIED');
  }, 60_000);

  it('the audit view lists the notes sealed and received, and the history verifies', async () => {
    for (const [o, event] of [
      [officers[0]!, 'Note sealed'],
      [officers[1]!, 'Note received'],
    ] as const) {
      await o.page.getByTestId('nav-audit').click();
      await expect.poll(() => o.page.getByTestId('audit-row').filter({ hasText: event }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
      await o.page.getByTestId('audit-verify').click();
      await expect.poll(() => o.page.getByTestId('audit-integrity').textContent(), { timeout: 30_000 }).toMatch(/^Intact/);
      await o.page.getByTestId('nav-channels').click();
    }
  }, 90_000);

  it('every view passes axe, and each has a screenshot in English and in French', async () => {
    const page = officers[0]!.page;
    for (const lang of ['en', 'fr'] as const) {
      if (lang === 'fr') {
        await page.getByRole('combobox', { name: 'Language' }).first().selectOption('fr');
        await expect.poll(() => page.getByTestId('nav-channels').textContent()).toBe('Canaux');
      }
      await page.getByTestId('nav-channels').click();
      await page.getByText(TEXTS[1]).first().waitFor();
      await axe(page, `channels (${lang})`);
      await page.screenshot({ path: `${SHOTS}/channels-${lang}.png`, fullPage: true });
      await page.locator('.conversation').screenshot({ path: `${SHOTS}/conversation-${lang}.png` });
      await page.getByTestId('compose-label').selectOption('3');
      await expect.poll(() => page.getByTestId('compose-withheld').count(), { timeout: 15_000 }).toBe(1);
      if (lang === 'fr') expect(await page.getByTestId('compose-withheld').textContent()).toContain("au-dessus du plafond de l'accord");
      await axe(page, `compose (${lang})`);
      await page.locator('.compose').screenshot({ path: `${SHOTS}/compose-${lang}.png` });
      await page.getByTestId('compose-label').selectOption('');
      for (const view of ['partners', 'audit', 'settings'] as const) {
        await page.getByTestId(`nav-${view}`).click();
        await page.waitForTimeout(500);
        await axe(page, `${view} (${lang})`);
      }
    }
    // The Jonas side: the redaction card, in both languages.
    const jp = officers[1]!.page;
    await jp.locator('article[data-testid^="redacted-"]').first().waitFor();
    await axe(jp, 'redaction card (en)');
    await jp.screenshot({ path: `${SHOTS}/redaction-en.png`, fullPage: true });
    await jp.getByRole('combobox', { name: 'Language' }).first().selectOption('fr');
    await expect.poll(() => jp.locator('article[data-testid^="redacted-"]').first().textContent()).toContain("au-dessus du plafond d'homologation de ce poste");
    await jp.screenshot({ path: `${SHOTS}/redaction-fr.png`, fullPage: true });
  }, 120_000);
});
