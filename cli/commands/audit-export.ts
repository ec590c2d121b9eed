import { resolve } from 'node:path';
import { exportAuditLog } from '../../main/audit/export';
import type { Command } from '../command';
import { requiredString } from '../options';
import { passphraseFileOption } from '../passphrase';
import { withProfile } from '../profile';

export const auditExportCommand: Command = {
  path: ['audit', 'export'],
  summary: "export the profile's audit history for the agency's security officer (JSON Lines + signed manifest)",
  usage: [
    'entente audit export --profile P --out FILE [--passphrase-file F] [--json]',
    '',
    'Writes FILE (one entry per line) and FILE.manifest.json (signed by your identity key), both readable',
    'by you only. Give both to your security officer, who checks them with',
    '  entente audit verify --file FILE --credential YOUR-CREDENTIAL.json [--card AGENCY-CARD.json]',
    'The export holds event records, labels and ids — never the text of a note.',
  ].join('\n'),
  options: { profile: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, ...passphraseFileOption },
  async run(values, _positionals, io) {
    const out = resolve(requiredString(values, 'out'));
    const result = await withProfile(io, values, (profile) => exportAuditLog(profile.auditLog, out));
    if (values.json === true) io.out(JSON.stringify(result));
    else {
      io.out(`exported ${result.count} audit entries to ${result.file}`);
      io.out(`signed manifest: ${result.manifest} (last hash ${result.lastHash}, ${result.checkpoints} checkpoints)`);
    }
    return 0;
  },
};
