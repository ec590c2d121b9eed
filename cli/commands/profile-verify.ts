import { sodiumReady } from '../../main/crypto/sodium';
import { loadIdentity } from '../../main/identity/officer';
import { markVerified, peerStatus } from '../../main/trust/peers';
import { UsageError, type Command } from '../command';
import { optionalString, requiredString } from '../options';
import { passphraseFileOption } from '../passphrase';
import { withProfile } from '../profile';

export const profileVerifyCommand: Command = {
  path: ['profile', 'verify'],
  summary: "show another officer's safety number, or mark it verified after comparing it with them",
  usage: [
    'entente profile verify --profile P --officer AGENCY/OFFICER [--safety-number "DIGITS"] [--passphrase-file F] [--json]',
    '',
    'Without --safety-number: prints the number to compare (in person or by voice). With it: marks the',
    'officer verified if it is the current number. After a key change, sending is blocked until then.',
  ].join('\n'),
  options: { profile: { type: 'string' }, officer: { type: 'string' }, 'safety-number': { type: 'string' }, json: { type: 'boolean' }, ...passphraseFileOption },
  async run(values, _positionals, io) {
    const officer = requiredString(values, 'officer');
    const slash = officer.indexOf('/');
    if (slash <= 0 || slash === officer.length - 1) throw new UsageError('--officer must be AGENCY/OFFICER, e.g. uk-demo/jsmith');
    const [agency, officerId] = [officer.slice(0, slash), officer.slice(slash + 1)];
    const compared = optionalString(values, 'safety-number');
    await sodiumReady();
    const status = await withProfile(io, values, (profile) => {
      const me = loadIdentity(profile);
      return compared === undefined ? peerStatus(profile.db, me, agency, officerId) : markVerified(profile.db, me, agency, officerId, compared, Date.now(), profile.audit);
    });
    if (values.json === true) io.out(JSON.stringify({ ...status, safetyNumber: status.safetyNumber.join(' ') }));
    else {
      io.out(`safety number with ${officerId} (${agency}):`);
      io.out(`  ${status.safetyNumber.slice(0, 6).join(' ')}`);
      io.out(`  ${status.safetyNumber.slice(6).join(' ')}`);
      io.out(status.verified ? 'verified' : status.keyChanged ? 'KEYS CHANGED: not verified; sending to this officer is blocked until you verify' : 'not verified');
    }
    return 0;
  },
};
