import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from './tmp';

/** Debian's Chromium, headless, on a fresh profile folder, with the flags TOOLCHAIN.md lists. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = tempDir('entente-chromium-');
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: process.env.ENTENTE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1100, height: 720 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      profile.remove();
    },
  };
}
