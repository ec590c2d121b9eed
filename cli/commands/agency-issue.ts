import { wipe } from '../../main/crypto/sodium';
import { enrolmentFingerprint } from '../../main/identity/officer';
import { renderClearanceMarking } from '../../main/policy';
import { AgencyFolder } from '../../main/trust/agency-folder';
import { clearanceFromMarking } from '../../main/trust/clearance';
import { hexGroups } from '../../main/trust/fingerprint';
import { MAX_VALID_DAYS, issueCredential, verifyEnrolmentRequest } from '../../main/trust/issue';
import { encodeSigned } from '../../main/trust/signed';
import type { Command } from '../command';
import { readInputFile } from '../files';
import { instantOption, langOption, optionalInt, optionalString, requiredString, stringList } from '../options';
import { writeOutputFile } from '../output';
import { passphraseFileOption, readPassphrase } from '../passphrase';

export const agencyIssueCommand: Command = {
  path: ['agency', 'issue'],
  summary: "verify an officer's enrolment request and sign their credential",
  usage: [
    'entente agency issue --dir D --request REQ.json --clearance MARKING [--category TAGSET=VALUE]...',
    '                     [--nationality CCC] [--valid-days N] [--valid-from DATE] [--policy OID|NAME]',
    '                     [--lang en|fr] [--passphrase-file F] --out CRED.json [--json]',
    '',
    'MARKING is a clearance marking of the agency\'s policy, e.g. "{UNCLASSIFIED|RESTRICTED|CONFIDENTIAL|SECRET} REL TO FRA".',
    '--category adds a value the policy does not show in markings (tag set and value by name or number).',
    `Default validity 365 days from now (at most ${MAX_VALID_DAYS}); nationality defaults to the agency's country.`,
    'Compare the printed request fingerprint with the officer in person before giving them the credential.',
  ].join('\n'),
  options: {
    dir: { type: 'string' },
    request: { type: 'string' },
    clearance: { type: 'string' },
    category: { type: 'string', multiple: true },
    nationality: { type: 'string' },
    'valid-days': { type: 'string' },
    'valid-from': { type: 'string' },
    policy: { type: 'string' },
    lang: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    ...passphraseFileOption,
  },
  async run(values, _positionals, io) {
    const dir = requiredString(values, 'dir');
    const requestFile = requiredString(values, 'request');
    const marking = requiredString(values, 'clearance');
    const out = requiredString(values, 'out');
    const lang = langOption(values);
    const agency = AgencyFolder.open(dir);
    const request = verifyEnrolmentRequest(new Uint8Array(readInputFile(requestFile)));
    const clearance = clearanceFromMarking(agency.policies, agency.card.body.policies, marking, stringList(values, 'category'), { lang, policyHint: optionalString(values, 'policy') });
    const options = {
      clearance,
      nationality: optionalString(values, 'nationality'),
      notBefore: instantOption(values, 'valid-from', Date.now()),
      validDays: optionalInt(values, 'valid-days', 1, MAX_VALID_DAYS) ?? 365,
    };
    const passphrase = await readPassphrase(io, values, 'agency');
    try {
      const credential = await issueCredential(agency, passphrase, request, options);
      writeOutputFile(out, encodeSigned(credential));
      const b = credential.body;
      const summary = {
        serial: b.serial,
        officerId: b.officerId,
        name: b.name,
        nationality: b.nationality,
        clearance: renderClearanceMarking(agency.policies.require(b.clearance.policyId), b.clearance, { lang }),
        notBefore: b.notBefore,
        notAfter: b.notAfter,
        requestFingerprint: hexGroups(enrolmentFingerprint(request.body)),
        out,
      };
      if (values.json === true) io.out(JSON.stringify(summary));
      else {
        io.out(`credential ${b.serial} for ${b.officerId} (${b.name}) written to ${out}`);
        io.out(`clearance: ${summary.clearance}; valid ${b.notBefore} to ${b.notAfter}`);
        io.out(`request fingerprint: ${summary.requestFingerprint}`);
      }
      return 0;
    } finally {
      wipe(passphrase);
    }
  },
};
