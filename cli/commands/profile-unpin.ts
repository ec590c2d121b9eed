import { sodiumReady } from '../../main/crypto/sodium';
import { TrustStore } from '../../main/trust/trust-store';
import type { Command } from '../command';
import { requiredString } from '../options';
import { passphraseFileOption } from '../passphrase';
import { withProfile } from '../profile';

export const profileUnpinCommand: Command = {
  path: ['profile', 'unpin'],
  summary: "remove a pinned agency (after it changed its root key) with everything its old key signed",
  usage: [
    'entente profile unpin --profile P --agency ID --fingerprint "OLD FINGERPRINT" [--passphrase-file F]',
    '',
    'Only after confirming with the agency, out of band, that it really changed its root key. Removes the',
    "pin, the agency's credentials, its agreements and its revocation list; then import the new card.",
  ].join('\n'),
  options: { profile: { type: 'string' }, agency: { type: 'string' }, fingerprint: { type: 'string' }, ...passphraseFileOption },
  async run(values, _positionals, io) {
    const agency = requiredString(values, 'agency');
    const fingerprint = requiredString(values, 'fingerprint');
    await sodiumReady();
    await withProfile(io, values, (profile) => new TrustStore(profile.db).unpinAgency(agency, fingerprint, profile.audit));
    io.out(`agency ${agency} is no longer pinned; import its new card and compare the new fingerprint`);
    return 0;
  },
};
