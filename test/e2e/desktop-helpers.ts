import { expect } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { en } from '../../renderer/src/i18n/en';
import { launchChromium } from '../helpers/chromium';

/**
 * What the desktop end-to-end tests share: the built `entente` command on the agencies' side, the
 * built app in evaluation mode (one process per officer, each with its own ENTENTE_HOME), Debian's
 * Chromium on its tokened URL, axe-core, and the onboarding steps every officer goes through.
 */
export const CLI = resolve('dist/cli/entente.js');
export const EVAL = resolve('dist/main/eval.js');
export const SHOTS = 'test-results/screenshots';
const AXE = readFileSync(resolve('node_modules/axe-core/axe.min.js'), 'utf8');

/** The built `entente` in `cwd`, with an agency passphrase and `env`; fails the test unless it exits 0, silent on stderr. */
export function ententeCli(cwd: string, env: NodeJS.ProcessEnv = {}): (...args: string[]) => string {
  return (...args) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ENTENTE_AGENCY_PASSPHRASE: 'agency passphrase for tests', ...env } });
    expect(r.stderr, args.join(' ')).toBe('');
    expect(r.status, args.join(' ')).toBe(0);
    return r.stdout;
  };
}

/** Starts the built app in evaluation mode with `env` added; resolves with its tokened URL. */
export async function startEval(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [EVAL], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /open (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43})/.exec(out);
      if (match?.[1]) ok(match[1]);
    });
    child.on('exit', (code) => fail(new Error(`eval mode exited early with ${code}: ${out}`)));
  });
  return { child, url };
}

/** Stops an evaluation-mode app (it locks its profile first) and waits for it. */
export async function stopEval(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export interface OfficerWindow {
  browser: Awaited<ReturnType<typeof launchChromium>>;
  page: Page;
  /** Uncaught errors of the page. */
  problems: string[];
}

/** A fresh Chromium on the app's URL. */
export async function openApp(url: string): Promise<OfficerWindow> {
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  await page.goto(url);
  return { browser, page, problems };
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function axe(page: Page, view: string): Promise<void> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') rightly blocks an injected <script>.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${AXE}\n;undefined`);
  const found = await page.evaluate(async () => {
    const run = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] }> } }).axe;
    const r = await run.run(document);
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.map((n) => n.target).slice(0, 3))}`);
  });
  expect(found, `axe on ${view}`).toEqual([]);
}

/** Fills the create form (opened with data-testid="create-profile") and submits it from the keyboard. */
export async function fillCreateProfile(page: Page, o: { officerId: string; name: string; passphrase: string }): Promise<void> {
  await page.getByLabel(en.signin.officerId).fill(o.officerId);
  await page.getByLabel(en.signin.name, { exact: true }).fill(o.name);
  await page.getByLabel(en.signin.passphrase, { exact: true }).fill(o.passphrase);
  await page.getByLabel(en.signin.confirm).fill(o.passphrase);
}

export async function submitCreateProfile(page: Page): Promise<void> {
  await page.getByLabel(en.signin.confirm).press('Enter');
  await expect.poll(() => page.getByTestId('onboarding').count(), { timeout: 60_000 }).toBe(1);
}

/** Exports the enrolment request from onboarding; its path under the app's exports/ folder. */
export async function exportEnrolmentRequest(page: Page, home: string): Promise<string> {
  await page.getByTestId('enrolment-export').click();
  await expect.poll(() => page.getByTestId('enrolment-fingerprint').count()).toBe(1);
  const exported = readdirSync(join(home, 'exports'));
  expect(exported).toHaveLength(1);
  return join(home, 'exports', exported[0] as string);
}

/** Imports files in onboarding (or settings) and waits until each is accepted. */
export async function importFiles(page: Page, files: string[]): Promise<void> {
  await page.getByTestId('import-files').setInputFiles(files);
  await page.getByTestId('import-submit').click();
  await expect.poll(() => page.locator('[data-testid="import-result"][data-ok="true"]').count(), { timeout: 20_000 }).toBe(files.length);
}

/**
 * Lowers the officer's workstation ceiling to `classification` of `policyId` in Settings and waits
 * until the note showing `text` has become a redaction card; returns the card's text.
 */
export async function lowerCeilingUntilRedacted(page: Page, text: string, policyId: string, classification: number): Promise<string> {
  const testId = await page.locator('article[data-testid^="note-"]', { hasText: text }).first().getAttribute('data-testid');
  const noteId = (testId ?? '').replace(/^note-/, '');
  expect(noteId).not.toBe('');
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-ceiling').selectOption(`${policyId}#${classification}`);
  await expect.poll(() => page.getByTestId('settings-ceiling').inputValue()).toBe(`${policyId}#${classification}`);
  await page.getByTestId('nav-channels').click();
  const card = page.getByTestId(`redacted-${noteId}`);
  await card.waitFor({ timeout: 15_000 });
  return (await card.textContent()) ?? '';
}
