import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../main/crypto/sodium';
import { DEMO_AGENCIES, DEMO_OFFICERS } from '../../../main/demo/cast';
import { demoPaths, setUpDemoTrust } from '../../../main/demo/trust-setup';
import type { Profile } from '../../../main/identity/profile';
import { parseLabelMarking } from '../../../main/policy';
import { mayShare } from '../../../main/trust/share';
import { TrustStore } from '../../../main/trust/trust-store';
import { shippedPolicyTexts } from '../../../main/policy/shipped';
import { TEST_KDF } from '../../helpers/profile';
import { tempDir } from '../../helpers/tmp';

const NOW = Date.parse('2026-11-23T10:00:00Z');

describe('the demo alliance, trust half', () => {
  let profiles = new Map<string, Profile>();
  const dir = tempDir('demo-trust-');
  beforeAll(async () => {
    await sodiumReady();
    profiles = await setUpDemoTrust(demoPaths(dir.path), TEST_KDF, NOW);
  }, 60_000);
  afterAll(() => {
    for (const p of profiles.values()) p.lock();
    dir.remove();
  });

  it('gives every officer their own credential in force and pins every agency', () => {
    for (const o of DEMO_OFFICERS) {
      const store = new TrustStore((profiles.get(o.officerId) as Profile).db);
      expect(store.ownCredential(NOW)?.body.officerId).toBe(o.officerId);
      expect(store.agencies().map((a) => a.id).sort()).toEqual(DEMO_AGENCIES.map((a) => a.id).sort());
      expect(store.agreements()).toHaveLength(3);
      expect(store.credentials()).toHaveLength(DEMO_OFFICERS.length);
    }
  });

  it('lets the agreements and clearances decide what Camille may share with whom', () => {
    const store = new TrustStore((profiles.get('camille') as Profile).db);
    const registry = store.policyRegistry(shippedPolicyTexts());
    const nato = registry.list().find((p) => p.name === 'NATO');
    if (nato === undefined) throw new Error('NATO policy missing');
    const ctx = { now: NOW, registry, isRevoked: store.revocationCheck() };
    const outcome = (marking: string, officerId: string) => {
      const to = store.credentials({ officerId })[0];
      if (to === undefined) throw new Error(`no credential for ${officerId}`);
      const d = mayShare(store.agreements(), 'fr-demo', parseLabelMarking(nato, marking), to, ctx);
      return d.allowed ? 'eligible' : d.reasons.map((r) => r.code).sort().join(',');
    };
    expect(outcome('NATO RESTRICTED', 'jonas')).toBe('eligible');
    expect(outcome('NATO CONFIDENTIAL', 'jonas')).toBe('above_ceiling');
    expect(outcome('NATO CONFIDENTIAL', 'alex')).toBe('eligible');
    expect(outcome('NATO SECRET REL TO FRA, GBR', 'alex')).toBe('eligible');
    expect(outcome('NATO SECRET REL TO FRA, GBR', 'lucas')).toBe('classification_not_cleared');
    expect(outcome('NATO SECRET REL TO FRA, GBR', 'jonas')).toContain('above_ceiling');
  });
});
