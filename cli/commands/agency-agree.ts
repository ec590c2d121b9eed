import { wipe } from '../../main/crypto/sodium';
import { AgencyFolder } from '../../main/trust/agency-folder';
import { MAX_AGREEMENT_DAYS, proposeAgreement } from '../../main/trust/agreement';
import { agencyFingerprint, hexGroups } from '../../main/trust/fingerprint';
import { AgencyCard } from '../../main/trust/objects';
import { decodeSigned, encodeSigned } from '../../main/trust/signed';
import type { Command } from '../command';
import { agreementSummary } from '../agreement-summary';
import { readInputFile } from '../files';
import { instantOption, langOption, optionalInt, optionalString, requiredString, stringList } from '../options';
import { writeOutputFile } from '../output';
import { passphraseFileOption, readPassphrase } from '../passphrase';

export const agencyAgreeCommand: Command = {
  path: ['agency', 'agree'],
  summary: 'propose a sharing agreement to a partner agency: policy, ceiling, permitted categories, validity',
  usage: [
    'entente agency agree --dir D --partner CARD.json --ceiling MARKING [--category TAGSET=VALUE]...',
    '                     [--policy OID|NAME] [--valid-days N] [--valid-from DATE] [--lang en|fr]',
    '                     [--passphrase-file F] --out AGREEMENT.json [--json]',
    '',
    'MARKING is a label marking of a policy both agencies list, e.g. "NATO SECRET REL TO FRA, GBR": its',
    'classification is the ceiling and its categories (with --category ones) are what labels may carry.',
    `Default validity 365 days (at most ${MAX_AGREEMENT_DAYS}). The partner's card is pinned on first use:`,
    'compare the printed fingerprint with the partner. Then send AGREEMENT.json for countersigning.',
  ].join('\n'),
  options: {
    dir: { type: 'string' },
    partner: { type: 'string' },
    ceiling: { type: 'string' },
    category: { type: 'string', multiple: true },
    policy: { type: 'string' },
    'valid-days': { type: 'string' },
    'valid-from': { type: 'string' },
    lang: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    ...passphraseFileOption,
  },
  async run(values, _positionals, io) {
    const dir = requiredString(values, 'dir');
    const partnerFile = requiredString(values, 'partner');
    const ceilingMarking = requiredString(values, 'ceiling');
    const out = requiredString(values, 'out');
    const lang = langOption(values);
    const terms = {
      ceilingMarking,
      categories: stringList(values, 'category'),
      policyHint: optionalString(values, 'policy'),
      lang,
      notBefore: instantOption(values, 'valid-from', Date.now()),
      validDays: optionalInt(values, 'valid-days', 1, MAX_AGREEMENT_DAYS) ?? 365,
    };
    const agency = AgencyFolder.open(dir);
    const partnerCard = decodeSigned(AgencyCard, new Uint8Array(readInputFile(partnerFile)));
    const passphrase = await readPassphrase(io, values, 'agency');
    try {
      const agreement = await proposeAgreement(agency, passphrase, partnerCard, terms);
      writeOutputFile(out, encodeSigned(agreement));
      const summary = { ...agreementSummary(agreement, agency.policies, lang), partnerFingerprint: hexGroups(agencyFingerprint(partnerCard.body)), out };
      if (values.json === true) io.out(JSON.stringify(summary));
      else {
        io.out(`agreement ${summary.id} with ${summary.partner} written to ${out}; send it to ${summary.partner} to countersign`);
        io.out(`policy ${summary.policy}, ceiling ${summary.ceiling}, valid ${summary.notBefore} to ${summary.notAfter}`);
        io.out(`partner fingerprint: ${summary.partnerFingerprint}`);
      }
      return 0;
    } finally {
      wipe(passphrase);
    }
  },
};
