import { wipe } from '../../main/crypto/sodium';
import { initAgency } from '../../main/trust/agency-folder';
import { agencyFingerprint, hexGroups } from '../../main/trust/fingerprint';
import type { Command } from '../command';
import { kdfOption, kdfParams, requiredString, stringList } from '../options';
import { passphraseFileOption, readPassphrase } from '../passphrase';
import { readPolicyText } from '../policies';

export const agencyInitCommand: Command = {
  path: ['agency', 'init'],
  summary: "create an agency folder: root key (encrypted under the agency passphrase) and self-signed card",
  usage: [
    'entente agency init --dir D --id ID --name NAME --country CCC [--policy SPIF.xml|nato|eu|uk|fr]...',
    '                    [--kdf interactive|moderate|sensitive] [--passphrase-file F] [--json]',
    '',
    'ID: lower-case letters, digits, ".", "_", "-". CCC: ISO 3166-1 alpha-3 (FRA, GBR…). Default policy: nato.',
    'The agency passphrase comes from --passphrase-file, ENTENTE_AGENCY_PASSPHRASE, or a prompt.',
    'Prints the fingerprint partners must compare before they pin the card.',
  ].join('\n'),
  options: { dir: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, country: { type: 'string' }, policy: { type: 'string', multiple: true }, json: { type: 'boolean' }, ...kdfOption, ...passphraseFileOption },
  async run(values, _positionals, io) {
    const dir = requiredString(values, 'dir');
    const id = requiredString(values, 'id');
    const name = requiredString(values, 'name');
    const country = requiredString(values, 'country');
    const kdf = kdfParams(values, 'MODERATE');
    const policies = stringList(values, 'policy');
    const spifs = (policies.length > 0 ? policies : ['nato']).map(readPolicyText);
    const passphrase = await readPassphrase(io, values, 'agency', { confirm: true });
    try {
      const card = await initAgency(dir, { id, name, country, spifs }, passphrase, kdf);
      const fingerprint = hexGroups(agencyFingerprint(card.body));
      if (values.json === true) io.out(JSON.stringify({ id: card.body.id, name: card.body.name, country: card.body.country, policies: card.body.policies, fingerprint, dir }));
      else {
        io.out(`agency ${card.body.id} created in ${dir}`);
        io.out(`fingerprint: ${fingerprint}`);
        io.out('Give partners the card (entente agency card) and read them this fingerprint over another channel.');
      }
      return 0;
    } finally {
      wipe(passphrase);
    }
  },
};
