import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { startBridge, type Bridge } from '../../main/bridge/server';
import { FilePrefsStore } from '../../main/core/file-prefs-store';
import { makeService } from '../helpers/service';
import { tempDir } from '../helpers/tmp';
import { launchChromium } from '../helpers/chromium';
import { builtRendererDir } from '../helpers/renderer-build';

let dir: ReturnType<typeof tempDir>;
let bridge: Bridge;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;

beforeAll(async () => {
  dir = tempDir();
  bridge = await startBridge({ handlers: makeService(dir.path), staticDir: await builtRendererDir() });
  browser = await launchChromium();
  context = browser.context;
  mkdirSync('test-results', { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  dir?.remove();
});

/** Opens a page and collects what would show a broken renderer: page errors and CSP violations. */
async function open(url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  await page.goto(url);
  return { page, problems };
}

describe('the renderer in Chromium over the bridge', () => {
  it('loads, calls the Service and renders the shell', async () => {
    const { page, problems } = await open(bridge.url);
    await expect.poll(() => page.getByTestId('app-mode').textContent()).toBe('Evaluation mode (browser)');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Entente');
    expect(await page.getByTestId('app-version').textContent()).toBe('Version 0.0.0-test');
    // The token leaves the address bar once the page has taken it.
    expect(new URL(page.url()).hash).toBe('');
    await page.screenshot({ path: 'test-results/shell-en.png', fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('switches to French through the Service and keeps it across a reload', async () => {
    const { page, problems } = await open(bridge.url);
    await page.getByLabel('Language').selectOption('fr');
    await expect.poll(() => page.getByRole('heading', { level: 2, name: 'Paramètres' }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    expect(new FilePrefsStore(dir.path).read().language).toBe('fr');
    await page.reload();
    await expect.poll(() => page.getByTestId('app-mode').textContent()).toBe("Mode d'évaluation (navigateur)");
    await page.screenshot({ path: 'test-results/shell-fr.png', fullPage: true });
    await page.getByLabel('Langue').selectOption('en');
    await expect.poll(() => page.getByRole('heading', { level: 2, name: 'Settings' }).count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('follows the theme preference, and the system when asked to', async () => {
    const { page } = await open(bridge.url);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(background).toBe('rgb(18, 21, 27)');
    await page.screenshot({ path: 'test-results/shell-dark.png', fullPage: true });
    await page.getByLabel('Theme').selectOption('light');
    await expect.poll(background).toBe('rgb(246, 247, 249)');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByLabel('Theme').selectOption('system');
    await expect.poll(background).toBe('rgb(18, 21, 27)');
    await page.close();
  });

  it('without the token the page cannot reach the Service and says so', async () => {
    const { page } = await open(bridge.origin + '/');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Entente cannot be reached. Is it still running?');
    expect(await page.getByTestId('app-mode').count()).toBe(0);
    await page.close();
  });

  it('the CSP blocks inline script and foreign connections', async () => {
    const { page } = await open(bridge.url);
    await expect.poll(() => page.getByTestId('app-mode').count()).toBe(1);
    const outcome = await page.evaluate(async () => {
      const inline = document.createElement('script');
      inline.textContent = 'window.__inlineRan = true';
      document.body.appendChild(inline);
      let fetched = 'blocked';
      try {
        await fetch('http://127.0.0.1:9/');
        fetched = 'allowed';
      } catch {
        fetched = 'blocked';
      }
      return { inlineRan: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true, fetched };
    });
    expect(outcome).toEqual({ inlineRan: false, fetched: 'blocked' });
    await page.close();
  });
});
