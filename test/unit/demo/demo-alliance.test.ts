import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoAlliance, type DemoManifest } from '../../../cli/demo-alliance';
import { sodiumReady } from '../../../main/crypto/sodium';
import { openKeystore } from '../../../main/identity/keystore';
import { passphraseBytes } from '../../../main/identity/passphrase';
import { createMessagingContext } from '../../../main/messaging';
import { shippedPolicyTexts } from '../../../main/policy/shipped';
import { TEST_KDF } from '../../helpers/profile';
import { tempDir } from '../../helpers/tmp';

/** The notes each demo officer must hold after the first run (docs/DEMO.md explains why). */
const EXPECTED: Record<string, string[]> = {
  camille: ['NATO UNCLASSIFIED', 'NATO RESTRICTED', 'NATO CONFIDENTIAL', 'NATO SECRET'],
  lucas: ['NATO UNCLASSIFIED', 'NATO RESTRICTED', 'NATO CONFIDENTIAL'],
  alex: ['NATO UNCLASSIFIED', 'NATO RESTRICTED', 'NATO CONFIDENTIAL', 'NATO SECRET'],
  jonas: ['NATO UNCLASSIFIED', 'NATO RESTRICTED'],
};

describe('the demo alliance npm start creates', () => {
  const tmp = tempDir('demo-');
  const root = join(tmp.path, 'demo');
  let manifest: DemoManifest;
  let created: boolean;
  beforeAll(async () => {
    await sodiumReady();
    ({ manifest, created } = await ensureDemoAlliance(root, { kdf: TEST_KDF }));
  }, 120_000);
  afterAll(() => tmp.remove());

  it('is built once, in place, leaving no scratch folder', () => {
    expect(created).toBe(true);
    expect(readdirSync(tmp.path)).toEqual(['demo']);
    expect(existsSync(join(root, 'demo.json'))).toBe(true);
  });

  it('gives each officer exactly the notes their clearance and their agency\'s agreements allow', async () => {
    for (const o of manifest.officers) {
      const profile = await openKeystore(join(root, o.profile)).unlock(passphraseBytes(o.passphrase));
      try {
        const ctx = createMessagingContext(profile, { fallbackSpifs: shippedPolicyTexts() });
        const channel = ctx.notes.channel(manifest.channelId);
        expect(channel?.members).toHaveLength(4);
        const notes = ctx.notes.page(manifest.channelId, { limit: 50 }).filter((n) => n.kind === 'note').reverse();
        const nato = ctx.registry.list().find((p) => p.name === 'NATO');
        const levels = notes.map((n) => nato?.classifications.find((c) => c.lacv === n.label.classification)?.name);
        expect(levels.map((l) => `NATO ${l ?? '?'}`)).toEqual(EXPECTED[o.officerId]);
      } finally {
        profile.lock();
      }
    }
  });

  it('is reused on a second run', async () => {
    const again = await ensureDemoAlliance(root, { kdf: TEST_KDF });
    expect(again.created).toBe(false);
    expect(again.manifest).toEqual(manifest);
  });

  it('refuses a folder holding something else rather than overwrite it', async () => {
    const stray = tempDir('demo-stray-');
    try {
      await expect(ensureDemoAlliance(stray.path, { kdf: TEST_KDF })).rejects.toMatchObject({ code: 'invalid_input' });
    } finally {
      stray.remove();
    }
  });
});
