import { wipe } from '../../main/crypto/sodium';
import { AgencyFolder } from '../../main/trust/agency-folder';
import { revokeSerial } from '../../main/trust/revocation';
import { encodeSigned } from '../../main/trust/signed';
import { UsageError, type Command } from '../command';
import { requiredString } from '../options';
import { writeOutputFile } from '../output';
import { passphraseFileOption, readPassphrase } from '../passphrase';

export const agencyRevokeCommand: Command = {
  path: ['agency', 'revoke'],
  summary: "revoke a credential: sign the agency's next revocation list, with every serial revoked so far",
  usage: [
    'entente agency revoke --dir D --serial N [--passphrase-file F] --out CRL.json [--json]',
    '',
    'Distribute CRL.json to your officers and partners (entente profile import); each list replaces',
    'the previous one, and an older list is refused.',
  ].join('\n'),
  options: { dir: { type: 'string' }, serial: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, ...passphraseFileOption },
  async run(values, _positionals, io) {
    const dir = requiredString(values, 'dir');
    const serialText = requiredString(values, 'serial');
    const out = requiredString(values, 'out');
    if (!/^[1-9]\d{0,15}$/.test(serialText) || !Number.isSafeInteger(Number(serialText))) throw new UsageError('--serial must be a credential serial number');
    const agency = AgencyFolder.open(dir);
    const passphrase = await readPassphrase(io, values, 'agency');
    try {
      const { list, already } = await revokeSerial(agency, passphrase, Number(serialText));
      writeOutputFile(out, encodeSigned(list));
      const summary = { agency: list.body.agency, sequence: list.body.sequence, serials: list.body.serials, alreadyRevoked: already, out };
      if (values.json === true) io.out(JSON.stringify(summary));
      else io.out(`revocation list ${summary.sequence} of ${summary.agency} (${summary.serials.length} serial(s)${already ? `; ${serialText} was already revoked` : ''}) written to ${out}`);
      return 0;
    } finally {
      wipe(passphrase);
    }
  },
};
