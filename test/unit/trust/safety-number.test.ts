import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { dhKeyPair, signKeyPair, sodiumReady } from '../../../main/crypto/sodium';
import { createIdentity, type OfficerIdentity } from '../../../main/identity/officer';
import type { Profile } from '../../../main/identity/profile';
import { toBase64url } from '../../../main/trust/base64url';
import type { CredentialBody } from '../../../main/trust/objects';
import { clearVerified, markVerified, observePeer, peerStatus, requireSendable } from '../../../main/trust/peers';
import { safetyHalf, safetyNumber } from '../../../main/trust/safety-number';
import { newProfile } from '../../helpers/profile';
import { fixtureBodies, fixtureKeys } from '../../helpers/trust-fixtures';
import { tempDir } from '../../helpers/tmp';

const code = (c: string) => expect.objectContaining({ code: c });
const keysOf = (officerId: string) => ({ officerId, identityKey: toBase64url(signKeyPair().publicKey), agreementKey: toBase64url(dhKeyPair().publicKey) });

describe('safety numbers', () => {
  beforeEach(() => sodiumReady());

  it('are 12 groups of 5 digits, the same from both sides, stable, and change with either key', () => {
    const a = keysOf('jdupont');
    const b = keysOf('jsmith');
    const n = safetyNumber(a, b);
    expect(n).toHaveLength(12);
    for (const g of n) expect(g).toMatch(/^\d{5}$/);
    expect(safetyNumber(b, a)).toEqual(n);
    expect(safetyNumber({ ...a }, { ...b })).toEqual(n);
    expect(safetyNumber(a, { ...b, identityKey: keysOf('x').identityKey })).not.toEqual(n);
    expect(safetyNumber(a, { ...b, agreementKey: keysOf('x').agreementKey })).not.toEqual(n);
    expect(n.join('')).toContain(safetyHalf(a).join(''));
  });
});

describe('verified mark and key changes', () => {
  let tmp: ReturnType<typeof tempDir>;
  let profile: Profile;
  let me: OfficerIdentity;
  let peer: CredentialBody;
  const now = Date.parse('2026-06-01T00:00:00Z');

  beforeEach(async () => {
    tmp = tempDir();
    await sodiumReady();
    profile = await newProfile(join(tmp.path, 'p'));
    me = createIdentity(profile, 'jdupont', 'Jeanne Dupont');
    const k = keysOf('jsmith');
    peer = { ...fixtureBodies(fixtureKeys()).credential, agency: 'uk-demo', officerId: 'jsmith', identityKey: k.identityKey, agreementKey: k.agreementKey };
  });
  afterEach(() => {
    profile.lock();
    tmp.remove();
  });

  it('first contact may send unverified; verifying needs the current number', () => {
    expect(observePeer(profile.db, peer, now)).toBe('new');
    const status = peerStatus(profile.db, me, 'uk-demo', 'jsmith');
    expect(status).toMatchObject({ verified: false, keyChanged: false, sendable: true });
    expect(() => markVerified(profile.db, me, 'uk-demo', 'jsmith', '00000 '.repeat(12), now)).toThrow(code('safety_number_mismatch'));
    expect(markVerified(profile.db, me, 'uk-demo', 'jsmith', status.safetyNumber.join(' '), now).verified).toBe(true);
    clearVerified(profile.db, 'uk-demo', 'jsmith');
    expect(peerStatus(profile.db, me, 'uk-demo', 'jsmith').verified).toBe(false);
    expect(() => peerStatus(profile.db, me, 'uk-demo', 'nobody')).toThrow(code('peer_unknown'));
  });

  it('a key change clears the mark and blocks sending until re-verified', () => {
    observePeer(profile.db, peer, now);
    const before = peerStatus(profile.db, me, 'uk-demo', 'jsmith');
    markVerified(profile.db, me, 'uk-demo', 'jsmith', before.safetyNumber.join(''), now);
    expect(observePeer(profile.db, { ...peer, serial: 99 }, now)).toBe('unchanged'); // renewal, same keys
    const fresh = keysOf('jsmith');
    const renewed = { ...peer, serial: 100, identityKey: fresh.identityKey, agreementKey: fresh.agreementKey, notBefore: '2026-05-01T00:00:00Z' };
    expect(observePeer(profile.db, renewed, now)).toBe('key_changed');
    const after = peerStatus(profile.db, me, 'uk-demo', 'jsmith');
    expect(after).toMatchObject({ verified: false, keyChanged: true, sendable: false });
    expect(after.safetyNumber).not.toEqual(before.safetyNumber);
    expect(() => requireSendable(profile.db, me, 'uk-demo', 'jsmith')).toThrow(code('safety_number_changed'));
    // The old number no longer verifies; the new one does.
    expect(() => markVerified(profile.db, me, 'uk-demo', 'jsmith', before.safetyNumber.join(' '), now)).toThrow(code('safety_number_mismatch'));
    markVerified(profile.db, me, 'uk-demo', 'jsmith', after.safetyNumber.join(' '), now);
    expect(() => requireSendable(profile.db, me, 'uk-demo', 'jsmith')).not.toThrow();
    // Re-importing the older credential does not flip the keys back.
    expect(observePeer(profile.db, peer, now)).toBe('unchanged');
    expect(peerStatus(profile.db, me, 'uk-demo', 'jsmith').safetyNumber).toEqual(after.safetyNumber);
  });
});
