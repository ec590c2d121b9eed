import { sodiumReady } from '../../main/crypto/sodium';
import { enrolmentFingerprint, loadIdentity, type OfficerIdentity } from '../../main/identity/officer';
import type { Profile } from '../../main/identity/profile';
import { currentSignedPrekey } from '../../main/identity/prekeys';
import { peerStatus } from '../../main/trust/peers';
import { renderClearanceMarking } from '../../main/policy';
import { toBase64url } from '../../main/trust/base64url';
import { agencyFingerprint, hexGroups } from '../../main/trust/fingerprint';
import { safetyHalf } from '../../main/trust/safety-number';
import { TrustStore } from '../../main/trust/trust-store';
import { validityAt } from '../../main/trust/verify';
import { agreementSummary } from '../agreement-summary';
import type { Command } from '../command';
import { passphraseFileOption } from '../passphrase';
import { shippedPolicyTexts } from '../policies';
import { withProfile } from '../profile';

function describe(profile: Profile, identity: OfficerIdentity, now: number) {
  const store = new TrustStore(profile.db);
  const registry = store.policyRegistry(shippedPolicyTexts());
  const keys = { officerId: identity.officerId, identityKey: toBase64url(identity.signPublic), agreementKey: toBase64url(identity.dhPublic) };
  const revoked = store.revocationCheck();
  const status = (b: { agency: string; serial: number; notBefore: string; notAfter: string }) => (revoked(b.agency, b.serial) ? 'revoked' : validityAt(b, now));
  const own = store.credentials({ own: true });
  const current = own.find((c) => status(c.body) === 'valid') ?? own[0];
  const credential =
    current === undefined
      ? null
      : {
          serial: current.body.serial,
          agency: current.body.agency,
          nationality: current.body.nationality,
          clearance: renderClearanceMarking(registry.require(current.body.clearance.policyId), current.body.clearance),
          notBefore: current.body.notBefore,
          notAfter: current.body.notAfter,
          status: status(current.body),
        };
  return {
    identity: { ...keys, name: identity.name, fingerprint: hexGroups(enrolmentFingerprint(keys)), safetyNumberHalf: safetyHalf(keys).join(' ') },
    credential,
    partners: store.agencies().map((a) => ({ id: a.id, name: a.card.body.name, country: a.card.body.country, policies: a.card.body.policies, fingerprint: hexGroups(agencyFingerprint(a.card.body)) })),
    agreements: store.agreements().map((a) => ({ ...agreementSummary(a, registry), status: validityAt(a.body, now) })),
    contacts: store.credentials({ own: false }).map((c) => {
      const peer = peerStatus(profile.db, identity, c.body.agency, c.body.officerId);
      return { officerId: c.body.officerId, agency: c.body.agency, serial: c.body.serial, status: status(c.body), safetyNumber: peer.safetyNumber.join(' '), verified: peer.verified, keyChanged: peer.keyChanged, sendable: peer.sendable };
    }),
    prekey: (() => {
      const current = currentSignedPrekey(profile);
      return current === undefined ? null : { id: current.body.prekeyId, created: current.body.created, expires: current.body.expires };
    })(),
  };
}

export const profileShowCommand: Command = {
  path: ['profile', 'show'],
  summary: "show the profile's identity, safety number, credential, pinned agencies and agreements",
  usage: 'entente profile show --profile P [--passphrase-file F] [--json]',
  options: { profile: { type: 'string' }, json: { type: 'boolean' }, ...passphraseFileOption },
  async run(values, _positionals, io) {
    await sodiumReady();
    const info = await withProfile(io, values, (profile) => describe(profile, loadIdentity(profile), Date.now()));
    if (values.json === true) {
      io.out(JSON.stringify(info));
      return 0;
    }
    const { identity, credential } = info;
    io.out(`officer:        ${identity.officerId} (${identity.name})`);
    io.out(`fingerprint:    ${identity.fingerprint}`);
    io.out(`safety number:  ${identity.safetyNumberHalf} (your half)`);
    if (credential === null) io.out('credential:     none yet (import the one your agency issued)');
    else io.out(`credential:     ${credential.agency} serial ${credential.serial}, ${credential.clearance}, ${credential.notBefore} to ${credential.notAfter} (${credential.status})`);
    for (const p of info.partners) io.out(`agency:         ${p.id} ${p.name} (${p.country}) fingerprint ${p.fingerprint}`);
    for (const a of info.agreements) io.out(`agreement:      ${a.proposer} ↔ ${a.partner}, ${a.policy}, ceiling ${a.ceiling}, to ${a.notAfter} (${a.status})`);
    for (const c of info.contacts) io.out(`contact:        ${c.agency}/${c.officerId} serial ${c.serial} (${c.status}), ${c.verified ? 'verified' : c.keyChanged ? 'KEYS CHANGED, not verified: sending blocked' : 'not verified'}`);
    if (info.prekey !== null) io.out(`signed prekey:  ${info.prekey.id}, ${info.prekey.created} to ${info.prekey.expires}`);
    return 0;
  },
};
