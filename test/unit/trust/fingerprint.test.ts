import { beforeAll, describe, expect, it } from 'vitest';
import { blake2b, sodiumReady } from '../../../main/crypto/sodium';
import { agencyFingerprint, digitGroups, fingerprint, hexGroups } from '../../../main/trust/fingerprint';
import { fixtureBodies, fixtureKeys } from '../../helpers/trust-fixtures';

describe('fingerprints', () => {
  beforeAll(() => sodiumReady());

  it('hash a context, a zero byte and the canonical public object with BLAKE2b-256', () => {
    const input = new TextEncoder().encode('entente/v1/fingerprint/demo\u0000{"a":1,"b":"x"}');
    expect(fingerprint('demo', { b: 'x', a: 1 })).toEqual(blake2b(input, 32));
  });

  it("an agency's covers its id and root key, not its name or policies", () => {
    const k = fixtureKeys();
    const card = fixtureBodies(k).card;
    const fp = agencyFingerprint(card);
    expect(agencyFingerprint({ ...card })).toEqual(fp);
    expect(agencyFingerprint({ id: 'fr-other', rootKey: card.rootKey })).not.toEqual(fp);
    expect(agencyFingerprint({ id: card.id, rootKey: fixtureBodies(k).agreement.partnerKey })).not.toEqual(fp);
  });

  it('print as hex groups of four and as decimal groups of five', () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => i);
    expect(hexGroups(bytes)).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    expect(hexGroups(bytes).startsWith('0001 0203')).toBe(true);
    // 0x0001020304 = 16909060 → mod 100000 = 09060
    expect(digitGroups(bytes, 6)[0]).toBe('09060');
    expect(digitGroups(bytes, 6)).toHaveLength(6);
    expect(() => digitGroups(bytes, 7)).toThrow();
  });
});
