import { wipe } from '../../main/crypto/sodium';
import { createProfile } from '../../main/identity/keystore';
import { createIdentity, enrolmentFingerprint, enrolmentRequest } from '../../main/identity/officer';
import { DisplayName, OfficerId } from '../../main/trust/fields';
import { hexGroups } from '../../main/trust/fingerprint';
import { encodeSigned } from '../../main/trust/signed';
import { UsageError, type Command } from '../command';
import { kdfOption, kdfParams, requiredString } from '../options';
import { writeOutputFile } from '../output';
import { passphraseFileOption, readPassphrase } from '../passphrase';

export const profileInitCommand: Command = {
  path: ['profile', 'init'],
  summary: "create an officer's encrypted profile with identity keys, and write the enrolment request",
  usage: [
    'entente profile init --profile P --officer-id ID --name NAME --out REQ.json',
    '                     [--kdf interactive|moderate|sensitive] [--passphrase-file F] [--json]',
    '',
    'P must be a new or empty folder. The passphrase comes from --passphrase-file, ENTENTE_PASSPHRASE, or a prompt.',
    'Give REQ.json to your agency\'s security officer and compare the printed fingerprint with them in person.',
  ].join('\n'),
  options: { profile: { type: 'string' }, 'officer-id': { type: 'string' }, name: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, ...kdfOption, ...passphraseFileOption },
  async run(values, _positionals, io) {
    const dir = requiredString(values, 'profile');
    const officerId = requiredString(values, 'officer-id');
    const name = requiredString(values, 'name').normalize('NFC');
    const out = requiredString(values, 'out');
    // Checked before the profile exists: a refused id must not leave a half-made profile behind.
    if (!OfficerId.safeParse(officerId).success) throw new UsageError('--officer-id: lower-case letters, digits, ".", "_", "@" or "-" (1–64)');
    if (!DisplayName.safeParse(name).success) throw new UsageError('--name: 1–200 printable characters without leading or trailing spaces');
    const kdf = kdfParams(values, 'MODERATE');
    const passphrase = await readPassphrase(io, values, 'profile', { confirm: true });
    let profile;
    try {
      profile = await createProfile(dir, passphrase, { kdf, onWarning: (m) => io.err(`entente: ${m}`) });
    } finally {
      wipe(passphrase);
    }
    try {
      const identity = createIdentity(profile, officerId, name);
      const request = enrolmentRequest(identity, Date.now(), profile.audit);
      writeOutputFile(out, encodeSigned(request));
      const fingerprint = hexGroups(enrolmentFingerprint(request.body));
      if (values.json === true) io.out(JSON.stringify({ officerId, name, profile: dir, request: out, fingerprint }));
      else {
        io.out(`profile for ${officerId} created in ${dir}; enrolment request written to ${out}`);
        io.out(`request fingerprint: ${fingerprint}`);
      }
      return 0;
    } finally {
      profile.lock();
    }
  },
};
