import { verifyExport, type ExportReport } from '../../main/audit/export-verify';
import { manifestPathFor } from '../../main/audit/export-format';
import { verifyAndRecord, type VerifyReport } from '../../main/audit/verify';
import type { AuditProblem } from '../../main/audit/walker';
import { EntenteError } from '../../shared/errors';
import { UsageError, type Command, type Io } from '../command';
import { readInputFile } from '../files';
import { optionalString, requiredString } from '../options';
import { passphraseFileOption } from '../passphrase';
import { withProfile } from '../profile';

/** The one-line error naming the first broken entry (exit 1). */
function failure(p: AuditProblem): EntenteError {
  const where = p.seq > 0 ? `first broken entry: ${p.seq}: ` : '';
  return new EntenteError(p.code, `${where}${p.message}`);
}

function report(io: Io, json: boolean, r: VerifyReport | ExportReport, describe: () => string[]): number {
  if (json) io.out(JSON.stringify(r));
  if (r.problem !== undefined) throw failure(r.problem);
  if (!json) for (const line of describe()) io.out(line);
  return 0;
}

export const auditVerifyCommand: Command = {
  path: ['audit', 'verify'],
  summary: "verify an audit history: the profile's own, or an export offline with the officer's credential",
  usage: [
    'entente audit verify --profile P [--passphrase-file F] [--json]',
    'entente audit verify --file EXPORT --credential CRED.json [--card AGENCY-CARD.json] [--manifest M] [--json]',
    '',
    'Recomputes the hash chain and checks every signed checkpoint. Exit 0 when the history is intact;',
    'exit 1 with one line naming the first broken entry when an entry was altered, removed, reordered or',
    'cut off, or an older copy of the database was restored. --file needs no profile: the export, its',
    'manifest (default EXPORT.manifest.json) and the credential of the officer who made it. With --card',
    "the credential's signature is checked too.",
  ].join('\n'),
  options: {
    profile: { type: 'string' },
    file: { type: 'string' },
    manifest: { type: 'string' },
    credential: { type: 'string' },
    card: { type: 'string' },
    json: { type: 'boolean' },
    ...passphraseFileOption,
  },
  async run(values, _positionals, io) {
    const json = values.json === true;
    const file = optionalString(values, 'file');
    if (file === undefined) {
      if (values.credential !== undefined || values.card !== undefined || values.manifest !== undefined) throw new UsageError('--credential, --card and --manifest go with --file');
      requiredString(values, 'profile');
      const r = await withProfile(io, values, (profile) => verifyAndRecord(profile.auditLog));
      return report(io, json, r, () => [
        `audit history intact: ${r.entries} entries, last hash ${r.lastHash}`,
        `checkpoints: ${r.checkpoints}${r.latestCheckpoint ? `, latest at entry ${r.latestCheckpoint.seq} (${r.latestCheckpoint.reason}, ${r.latestCheckpoint.time})` : ''}${r.keystoreCheckpoint ? `; keystore copy at entry ${r.keystoreCheckpoint.seq}` : ''}`,
      ]);
    }
    if (values.profile !== undefined) throw new UsageError('give either --profile or --file, not both');
    const credential = new Uint8Array(readInputFile(requiredString(values, 'credential')));
    const card = optionalString(values, 'card');
    const manifest = new Uint8Array(readInputFile(optionalString(values, 'manifest') ?? manifestPathFor(file)));
    const r = verifyExport({ exportPath: file, manifest, credential, ...(card === undefined ? {} : { card: new Uint8Array(readInputFile(card)) }) });
    return report(io, json, r, () => [
      `audit export intact: ${r.entries} entries by ${r.officer} (${r.agency}), exported ${r.exported ?? '?'}, last hash ${r.lastHash}`,
      `checkpoints: ${r.checkpoints}; credential ${r.credentialStatus}${r.credentialIssuerChecked ? ', signed by the agency card given' : ' (issuer not checked: give --card)'}${r.credentialMatchesManifest === false ? '; the manifest names another credential with the same key' : ''}`,
    ]);
  },
};
