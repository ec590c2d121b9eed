import { AgencyFolder } from '../../main/trust/agency-folder';
import { hexGroups } from '../../main/trust/fingerprint';
import { encodeSigned } from '../../main/trust/signed';
import type { Command } from '../command';
import { requiredString } from '../options';
import { writeOutputFile } from '../output';

export const agencyCardCommand: Command = {
  path: ['agency', 'card'],
  summary: "export the agency's self-signed card for partners, and print its fingerprint",
  usage: 'entente agency card --dir D --out CARD.json [--json]',
  options: { dir: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const dir = requiredString(values, 'dir');
    const out = requiredString(values, 'out');
    const agency = AgencyFolder.open(dir);
    writeOutputFile(out, encodeSigned(agency.card));
    const fingerprint = hexGroups(agency.fingerprint);
    if (values.json === true) io.out(JSON.stringify({ id: agency.id, fingerprint, out }));
    else io.out(`card of ${agency.id} written to ${out}\nfingerprint: ${fingerprint}`);
    return 0;
  },
};
