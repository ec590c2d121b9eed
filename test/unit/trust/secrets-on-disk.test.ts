import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { sodiumReady } from '../../../main/crypto/sodium';
import { openKeystore } from '../../../main/identity/keystore';
import { loadIdentity } from '../../../main/identity/officer';
import { prekeySecret } from '../../../main/identity/prekeys';
import { passphraseBytes } from '../../../main/identity/passphrase';
import { AgencyFolder } from '../../../main/trust/agency-folder';
import { AGENCY_PASS, NATO_CLEARANCE, OFFICER_PASS, newAgency, newOfficer, ok } from '../../helpers/cli';
import { byteNeedles, findNeedles, textNeedles } from '../../helpers/needles';
import { tempDir } from '../../helpers/tmp';

describe('no key or passphrase on disk outside the encrypted database and the encrypted key file', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.remove());

  it('after every agency and profile command, prekey rotation included', async () => {
    const agency = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
    const partner = await newAgency(tmp.path, 'uk-demo', 'GBR');
    const officer = await newOfficer(tmp.path, 'jdupont');
    const cred = join(tmp.path, 'cred.json');
    const issued = await ok(['agency', 'issue', '--dir', agency.dir, '--request', officer.request, '--clearance', NATO_CLEARANCE, '--out', cred, '--json']);
    await ok(['agency', 'agree', '--dir', agency.dir, '--partner', partner.card, '--ceiling', 'NATO SECRET', '--out', join(tmp.path, 'proposed.json')]);
    await ok(['agency', 'countersign', '--dir', partner.dir, '--agreement', join(tmp.path, 'proposed.json'), '--partner', agency.card, '--out', join(tmp.path, 'agreement.json')]);
    await ok(['profile', 'import', '--profile', officer.profile, agency.card, partner.card, cred, join(tmp.path, 'agreement.json')]); // creates prekey 1
    await ok(['profile', 'show', '--profile', officer.profile]);
    const serial = String((JSON.parse(issued.out) as { serial: number }).serial);
    await ok(['agency', 'revoke', '--dir', agency.dir, '--serial', serial, '--out', join(tmp.path, 'crl.json')]);

    // The real secrets, recovered the way their holders would.
    await sodiumReady();
    const rootSecret = await AgencyFolder.open(agency.dir).withRootKey(passphraseBytes(AGENCY_PASS), (keys) => Uint8Array.from(keys.secretKey));
    const profile = await openKeystore(officer.profile).unlock(passphraseBytes(OFFICER_PASS));
    const identity = loadIdentity(profile);
    const signSecret = Uint8Array.from(identity.signSecret);
    const dhSecret = Uint8Array.from(identity.dhSecret);
    const prekey = Uint8Array.from(prekeySecret(profile, 1));
    profile.lock();

    const needles = [
      ...byteNeedles('agency root seed', rootSecret.subarray(0, 32)),
      ...byteNeedles('officer signing seed', signSecret.subarray(0, 32)),
      ...byteNeedles('officer agreement secret', dhSecret),
      ...byteNeedles('prekey secret', prekey),
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
