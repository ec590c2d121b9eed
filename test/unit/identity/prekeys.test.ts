import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { signKeyPair, sodiumReady } from '../../../main/crypto/sodium';
import { createIdentity, type OfficerIdentity } from '../../../main/identity/officer';
import { DEFAULT_PREKEY_SCHEDULE, checkSchedule, currentSignedPrekey, prekeySecret, prekeyStates, rotatePrekeys, verifySignedPrekey } from '../../../main/identity/prekeys';
import type { Profile } from '../../../main/identity/profile';
import { toBase64url } from '../../../main/trust/base64url';
import { Credential, SignedPrekey, type CredentialBody } from '../../../main/trust/objects';
import { createSigned, type Signed } from '../../../main/trust/signed';
import { newProfile } from '../../helpers/profile';
import { fixtureBodies, fixtureKeys } from '../../helpers/trust-fixtures';
import { tempDir } from '../../helpers/tmp';

const DAY = 86_400_000;
const code = (c: string) => expect.objectContaining({ code: c });

describe('signed prekeys: rotation, deletion, verification', () => {
  let tmp: ReturnType<typeof tempDir>;
  let profile: Profile;
  let me: OfficerIdentity;
  let credential: Signed<CredentialBody>;
  const t0 = Date.parse('2026-03-02T09:00:00Z');

  beforeEach(async () => {
    tmp = tempDir();
    await sodiumReady();
    profile = await newProfile(join(tmp.path, 'p'));
    me = createIdentity(profile, 'jdupont', 'Jeanne Dupont');
    const k = fixtureKeys();
    const body = { ...fixtureBodies(k).credential, identityKey: toBase64url(me.signPublic), agreementKey: toBase64url(me.dhPublic) };
    credential = createSigned(Credential, body, 'issuer', k.frRoot.secretKey);
  });
  afterEach(() => {
    profile.lock();
    tmp.remove();
  });

  const current = () => {
    const p = currentSignedPrekey(profile);
    if (p === undefined) throw new Error('no current prekey');
    return p;
  };

  it('creates one prekey, keeps it for 7 days, then rotates and retires the old one', () => {
    expect(rotatePrekeys(profile, me, credential, t0)).toEqual({ created: 1, retired: [], deleted: [] });
    expect(rotatePrekeys(profile, me, credential, t0 + 6 * DAY)).toEqual({ created: null, retired: [], deleted: [] });
    expect(rotatePrekeys(profile, me, credential, t0 + 7 * DAY)).toEqual({ created: 2, retired: [1], deleted: [] });
    expect(current().body.prekeyId).toBe(2);
    expect(Date.parse(current().body.expires) - (t0 + 7 * DAY)).toBe(7 * DAY);
    expect(verifySignedPrekey(current(), credential, t0 + 8 * DAY).body.prekeyId).toBe(2);
  });

  it('deletes a retired private key 30 days after retirement, and wipes it', () => {
    rotatePrekeys(profile, me, credential, t0);
    const held = prekeySecret(profile, 1);
    expect(held.some((b) => b !== 0)).toBe(true);
    rotatePrekeys(profile, me, credential, t0 + 7 * DAY);
    expect(prekeySecret(profile, 1)).toHaveLength(32); // still within the grace period
    expect(rotatePrekeys(profile, me, credential, t0 + 7 * DAY + 30 * DAY - 1000).deleted).toEqual([]);
    const late = rotatePrekeys(profile, me, credential, t0 + 37 * DAY);
    expect(late.deleted).toEqual([1]);
    expect(() => prekeySecret(profile, 1)).toThrow(code('prekey_deleted'));
    expect(profile.db.connection.prepare('SELECT secret FROM prekeys WHERE prekey_id = 1', { pluck: true }).get()).toBeNull();
    expect(prekeyStates(profile).find((s) => s.id === 1)?.deletedAt).not.toBeNull();
    // The copy handed out earlier is wiped with the other secrets when the profile locks.
    profile.lock();
    expect(held.every((b) => b === 0)).toBe(true);
  });

  it('keeps an early-retired prekey until 30 days after it expires, since senders may still use it', () => {
    rotatePrekeys(profile, me, credential, t0);
    const fast = { ...DEFAULT_PREKEY_SCHEDULE, rotateEveryMs: DAY };
    rotatePrekeys(profile, me, credential, t0 + DAY, fast); // retires prekey 1 (which expires at t0 + 7 days)
    expect(prekeyStates(profile).find((s) => s.id === 1)?.deleteAfter).toBe(new Date(t0 + 37 * DAY).toISOString().replace('.000Z', 'Z'));
  });

  it('refuses a schedule that deletes keys before the relay stops delivering', () => {
    expect(() => checkSchedule(DEFAULT_PREKEY_SCHEDULE, 30 * DAY)).not.toThrow();
    expect(() => checkSchedule(DEFAULT_PREKEY_SCHEDULE, 31 * DAY)).toThrow(code('invalid_input'));
  });

  it('senders refuse a prekey that is expired, of another officer, or not signed by the identity key', () => {
    rotatePrekeys(profile, me, credential, t0);
    const prekey = current();
    expect(() => verifySignedPrekey(prekey, credential, t0 + 7 * DAY)).toThrow(code('prekey_expired'));
    const other = createSigned(Credential, { ...credential.body, identityKey: toBase64url(signKeyPair().publicKey) }, 'issuer', fixtureKeys().frRoot.secretKey);
    expect(() => verifySignedPrekey(prekey, other, t0)).toThrow(code('prekey_mismatch'));
    const stranger = signKeyPair();
    const forged = createSigned(SignedPrekey, prekey.body, 'identity', stranger.secretKey);
    expect(() => verifySignedPrekey(forged, credential, t0)).toThrow(code('signature_invalid'));
  });

  it('refuses to sign prekeys for a credential that is not this profile\'s', () => {
    const other = createSigned(Credential, { ...credential.body, identityKey: toBase64url(signKeyPair().publicKey) }, 'issuer', fixtureKeys().frRoot.secretKey);
    expect(() => rotatePrekeys(profile, me, other, t0)).toThrow(code('prekey_mismatch'));
  });
});
