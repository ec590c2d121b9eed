import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { sodiumReady } from '../../../main/crypto/sodium';
import { createIdentity, enrolmentRequest, loadIdentity } from '../../../main/identity/officer';
import { encodeSigned } from '../../../main/trust/signed';
import { verifyEnrolmentRequest } from '../../../main/trust/issue';
import { newProfile } from '../../helpers/profile';
import { tempDir } from '../../helpers/tmp';

describe('officer identity keys', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    tmp = tempDir();
    await sodiumReady();
  });
  afterEach(() => tmp.remove());

  it('are created once inside the profile, reload identically, and are wiped on lock', async () => {
    const profile = await newProfile(join(tmp.path, 'p'));
    expect(() => loadIdentity(profile)).toThrow(expect.objectContaining({ code: 'identity_missing' }));
    const created = createIdentity(profile, 'jdupont', 'Jeanne Dupont');
    expect(() => createIdentity(profile, 'other', 'Other')).toThrow(expect.objectContaining({ code: 'identity_exists' }));
    const loaded = loadIdentity(profile);
    expect(loaded.signPublic).toEqual(created.signPublic);
    expect(loaded.dhSecret).toEqual(created.dhSecret);
    const request = enrolmentRequest(loaded);
    expect(verifyEnrolmentRequest(new TextEncoder().encode(encodeSigned(request))).body.officerId).toBe('jdupont');
    profile.lock();
    expect(loaded.signSecret.every((b) => b === 0)).toBe(true);
    expect(loaded.dhSecret.every((b) => b === 0)).toBe(true);
  });

  it('refuses invalid officer ids and names', async () => {
    const profile = await newProfile(join(tmp.path, 'p'));
    expect(() => createIdentity(profile, 'Jean Dupont', 'x')).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => createIdentity(profile, 'jdupont', ' padded ')).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    profile.lock();
  });
});
