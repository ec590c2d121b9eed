import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { sodiumReady } from '../../../main/crypto/sodium';
import { openKeystore } from '../../../main/identity/keystore';
import { loadIdentity } from '../../../main/identity/officer';
import { passphraseBytes } from '../../../main/identity/passphrase';
import { AgencyFolder } from '../../../main/trust/agency-folder';
import { AGENCY_PASS, NATO_CLEARANCE, OFFICER_PASS, newAgency, newOfficer, ok } from '../../helpers/cli';
import { byteNeedles, findNeedles, textNeedles } from '../../helpers/needles';
import { tempDir } from '../../helpers/tmp';

describe('no key or passphrase on disk outside the encrypted database and the encrypted key file', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.remove());

  it('after agency init, card, issue, and profile init, import and show', async () => {
    const agency = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
    const officer = await newOfficer(tmp.path, 'jdupont');
    const cred = join(tmp.path, 'cred.json');
    await ok(['agency', 'issue', '--dir', agency.dir, '--request', officer.request, '--clearance', NATO_CLEARANCE, '--out', cred]);
    await ok(['profile', 'import', '--profile', officer.profile, agency.card, cred]);
    await ok(['profile', 'show', '--profile', officer.profile]);

    // The real secrets, recovered the way their holders would.
    await sodiumReady();
    const rootSecret = await AgencyFolder.open(agency.dir).withRootKey(passphraseBytes(AGENCY_PASS), (keys) => Uint8Array.from(keys.secretKey));
    const profile = await openKeystore(officer.profile).unlock(passphraseBytes(OFFICER_PASS));
    const identity = loadIdentity(profile);
    const signSecret = Uint8Array.from(identity.signSecret);
    const dhSecret = Uint8Array.from(identity.dhSecret);
    profile.lock();

    const needles = [
      ...byteNeedles('agency root seed', rootSecret.subarray(0, 32)),
      ...byteNeedles('officer signing seed', signSecret.subarray(0, 32)),
      ...byteNeedles('officer agreement secret', dhSecret),
      ...textNeedles('agency passphrase', AGENCY_PASS),
      ...textNeedles('officer passphrase', OFFICER_PASS),
    ];
    // The folders themselves, and every file the commands wrote next to them.
    expect(findNeedles([tmp.path], needles)).toEqual([]);
    // The search does find what is meant to be public (the identity key, in the request and credential).
    const publicKey = byteNeedles('identity public key', identity.signPublic).filter(([label]) => label.endsWith('(base64url)'));
    expect(findNeedles([tmp.path], publicKey).length).toBeGreaterThan(0);
  });
});
