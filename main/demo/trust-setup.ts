import { join } from 'node:path';
import type { KdfParams } from '../crypto/sodium';
import { createProfile } from '../identity/keystore';
import { createIdentity, enrolmentRequest, loadIdentity } from '../identity/officer';
import { passphraseBytes } from '../identity/passphrase';
import type { Profile } from '../identity/profile';
import { shippedPolicyText } from '../policy/shipped';
import { AgencyFolder, initAgency } from '../trust/agency-folder';
import { countersignAgreement, proposeAgreement } from '../trust/agreement';
import { clearanceFromMarking } from '../trust/clearance';
import { importFiles, type ImportFile } from '../trust/import';
import { issueCredential } from '../trust/issue';
import { encodeSigned, type Signed } from '../trust/signed';
import { DEMO_AGENCIES, DEMO_AGREEMENTS, DEMO_OFFICERS } from './cast';

/**
 * The trust half of the demo alliance: agency folders with their roots, each officer's profile with
 * identity keys, a credential issued by their agency, every agency card, every credential and every
 * countersigned agreement imported — what the agencies' security officers and the officers would do by
 * hand with `entente agency …` and `entente profile …` (README, "A walk through").
 */
export interface DemoPaths {
  root: string;
  agency: (id: string) => string;
  profile: (officerId: string) => string;
  relay: string;
}

export const demoPaths = (root: string): DemoPaths => ({
  root,
  agency: (id) => join(root, 'agencies', id),
  profile: (officerId) => join(root, 'profiles', officerId),
  relay: join(root, 'relay'),
});

const file = (name: string, obj: Signed<unknown>): ImportFile => ({ name, bytes: new TextEncoder().encode(encodeSigned(obj)) });

/** Builds everything in `paths.root` (which must be new or empty); returns the unlocked profiles by officer id. */
export async function setUpDemoTrust(paths: DemoPaths, kdf: KdfParams, now: number): Promise<Map<string, Profile>> {
  const agencies = new Map<string, AgencyFolder>();
  for (const a of DEMO_AGENCIES) {
    await initAgency(paths.agency(a.id), { id: a.id, name: a.name, country: a.country, spifs: a.policies.map(shippedPolicyText) }, passphraseBytes(a.passphrase), kdf, now);
    agencies.set(a.id, AgencyFolder.open(paths.agency(a.id)));
  }
  const agencyOf = (id: string): AgencyFolder => agencies.get(id) as AgencyFolder;
  const agencyPass = (id: string) => passphraseBytes(DEMO_AGENCIES.find((a) => a.id === id)?.passphrase ?? '');

  const shared: ImportFile[] = [...agencies.values()].map((a) => file(`${a.id}-card.json`, a.card));
  for (const t of DEMO_AGREEMENTS) {
    const proposer = agencyOf(t.proposer);
    const partner = agencyOf(t.partner);
    const proposed = await proposeAgreement(proposer, agencyPass(t.proposer), partner.card, { ceilingMarking: t.ceiling, categories: [], notBefore: now, validDays: 365 });
    const complete = await countersignAgreement(partner, agencyPass(t.partner), proposed, proposer.card);
    shared.push(file(`agreement-${t.proposer}-${t.partner}.json`, complete));
  }

  const profiles = new Map<string, Profile>();
  for (const o of DEMO_OFFICERS) {
    const profile = await createProfile(paths.profile(o.officerId), passphraseBytes(o.passphrase), { kdf });
    profiles.set(o.officerId, profile);
    const identity = createIdentity(profile, o.officerId, o.name, now);
    const agency = agencyOf(o.agency);
    const clearance = clearanceFromMarking(agency.policies, agency.card.body.policies, o.clearance, []);
    const credential = await issueCredential(agency, agencyPass(o.agency), enrolmentRequest(identity, now), { clearance, notBefore: now, validDays: 365 }, now);
    shared.push(file(`${o.officerId}-credential.json`, credential));
  }
  for (const profile of profiles.values()) importInto(profile, shared, now);
  return profiles;
}

function importInto(profile: Profile, files: readonly ImportFile[], now: number): void {
  const spifs = [...new Set(DEMO_AGENCIES.flatMap((a) => a.policies))].map((name) => ({ name: `${name}.xml`, bytes: new TextEncoder().encode(shippedPolicyText(name)) }));
  importFiles(profile, loadIdentity(profile), [...spifs, ...files], { now });
}
