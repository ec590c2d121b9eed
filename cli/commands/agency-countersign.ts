import { wipe } from '../../main/crypto/sodium';
import { AgencyFolder } from '../../main/trust/agency-folder';
import { countersignAgreement } from '../../main/trust/agreement';
import { agencyFingerprint, hexGroups } from '../../main/trust/fingerprint';
import { AgencyCard, Agreement } from '../../main/trust/objects';
import { decodeSigned, encodeSigned } from '../../main/trust/signed';
import type { Command } from '../command';
import { agreementSummary } from '../agreement-summary';
import { readInputFile } from '../files';
import { optionalString, requiredString } from '../options';
import { writeOutputFile } from '../output';
import { passphraseFileOption, readPassphrase } from '../passphrase';

export const agencyCountersignCommand: Command = {
  path: ['agency', 'countersign'],
  summary: 'verify and countersign a sharing agreement a partner agency proposed',
  usage: [
    'entente agency countersign --dir D --agreement AGREEMENT.json [--partner CARD.json]',
    '                           [--passphrase-file F] --out AGREEMENT.json [--json]',
    '',
    "--partner: the proposing agency's card, needed the first time (it is then pinned; compare the fingerprint).",
    'The countersigned agreement is what both agencies distribute to their officers (entente profile import).',
  ].join('\n'),
  options: { dir: { type: 'string' }, agreement: { type: 'string' }, partner: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, ...passphraseFileOption },
  async run(values, _positionals, io) {
    const dir = requiredString(values, 'dir');
    const agreementFile = requiredString(values, 'agreement');
    const out = requiredString(values, 'out');
    const partnerFile = optionalString(values, 'partner');
    const agency = AgencyFolder.open(dir);
    const agreement = decodeSigned(Agreement, new Uint8Array(readInputFile(agreementFile)));
    const proposerCard = partnerFile === undefined ? undefined : decodeSigned(AgencyCard, new Uint8Array(readInputFile(partnerFile)));
    const passphrase = await readPassphrase(io, values, 'agency');
    try {
      const signed = await countersignAgreement(agency, passphrase, agreement, proposerCard);
      writeOutputFile(out, encodeSigned(signed));
      const summary = { ...agreementSummary(signed, agency.policies), proposerFingerprint: proposerCard ? hexGroups(agencyFingerprint(proposerCard.body)) : undefined, out };
      if (values.json === true) io.out(JSON.stringify(summary));
      else {
        io.out(`agreement ${summary.id} with ${summary.proposer} countersigned and written to ${out}`);
        io.out(`policy ${summary.policy}, ceiling ${summary.ceiling}, valid ${summary.notBefore} to ${summary.notAfter}`);
        if (summary.proposerFingerprint) io.out(`partner fingerprint: ${summary.proposerFingerprint}`);
      }
      return 0;
    } finally {
      wipe(passphrase);
    }
  },
};
