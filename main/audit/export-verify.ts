import { closeSync, openSync, readSync } from 'node:fs';
import { EntenteError } from '../../shared/errors';
import { decodeField, toBase64url } from '../trust/base64url';
import { AgencyCard, Credential, type CredentialBody } from '../trust/objects';
import { decodeSigned, hasValidSignature, requireValidSignature } from '../trust/signed';
import { validityAt, verifyCardSelfSigned } from '../trust/verify';
import { sameBytes } from './chain';
import { claimedSeq } from './entry';
import { AuditManifest, credentialFingerprint, parseLine, type SignedManifest } from './export-format';
import { checkCheckpoint } from './verify';
import { ChainWalker, problem, type AuditProblem } from './walker';

/**
 * Offline verification of an export (`entente audit verify --file F --credential CRED.json`): needs only
 * the two export files and the officer's credential — the agency's security officer's view. With the
 * agency card as well, the credential's own signature is checked, so the identity key it vouches for
 * is known to be the agency's word and not the export's.
 */
export interface ExportVerifyInput {
  exportPath: string;
  manifest: Uint8Array;
  credential: Uint8Array;
  card?: Uint8Array;
  now?: number;
}

export interface ExportReport {
  ok: boolean;
  officer: string;
  agency: string;
  /** Whether the credential's issuer signature was checked against a given agency card. */
  credentialIssuerChecked: boolean;
  credentialStatus: string;
  /** False when the manifest names another credential of the same officer and key (a re-issue). */
  credentialMatchesManifest: boolean | null;
  entries: number;
  lastSeq: number;
  lastHash: string;
  checkpoints: number;
  exported: string | null;
  problem?: AuditProblem;
  ms: number;
}

const CHUNK = 1 << 20;

export function verifyExport(input: ExportVerifyInput): ExportReport {
  const t0 = performance.now();
  const credential = decodeSigned(Credential, input.credential);
  const cb = credential.body;
  let issuerChecked = false;
  if (input.card !== undefined) {
    const card = decodeSigned(AgencyCard, input.card);
    verifyCardSelfSigned(card);
    if (card.body.id !== cb.agency) throw new EntenteError('trust_unknown_agency', `the agency card is ${card.body.id}'s, the credential was issued by ${cb.agency}`);
    requireValidSignature(Credential, credential, 'issuer', decodeField(card.body.rootKey), `agency ${cb.agency}'s root key`);
    issuerChecked = true;
  }
  const report: ExportReport = {
    ok: false,
    officer: cb.officerId,
    agency: cb.agency,
    credentialIssuerChecked: issuerChecked,
    credentialStatus: validityAt(cb, input.now ?? Date.now()),
    credentialMatchesManifest: null,
    entries: 0,
    lastSeq: 0,
    lastHash: '',
    checkpoints: 0,
    exported: null,
    ms: 0,
  };
  const finish = (p: AuditProblem | null): ExportReport => {
    if (p !== null) report.problem = p;
    report.ok = p === null;
    report.ms = performance.now() - t0;
    return report;
  };

  let manifest: SignedManifest;
  try {
    manifest = decodeSigned(AuditManifest, input.manifest);
  } catch (err) {
    return finish(problem('audit_export_malformed', 'manifest_invalid', 0, `the manifest is not an audit export manifest: ${(err as Error).message}`));
  }
  const m = manifest.body;
  const identityKey = decodeField(cb.identityKey);
  if (m.identityKey !== cb.identityKey || m.officer !== cb.officerId) {
    return finish(problem('audit_checkpoint_invalid', 'manifest_invalid', 0, `the export was made by ${m.officer} with another identity key than the credential of ${cb.officerId} (${cb.agency}) names`));
  }
  if (!hasValidSignature(AuditManifest, manifest, 'identity', identityKey)) {
    return finish(problem('audit_checkpoint_invalid', 'manifest_invalid', 0, "the manifest's signature does not verify with the officer's identity key: it was altered"));
  }
  if (m.count !== m.lastSeq) return finish(problem('audit_export_malformed', 'manifest_invalid', 0, 'the manifest is inconsistent (count and last entry differ)'));
  report.exported = m.exported;
  report.checkpoints = m.checkpoints.length;
  report.credentialMatchesManifest = m.credential === undefined ? null : m.credential.serial === cb.serial && m.credential.agency === cb.agency && m.credential.fingerprint === credentialFingerprint(cb as CredentialBody);

  const wanted = new Set(m.checkpoints.map((c) => c.body.seq));
  const hashes = new Map<number, Uint8Array>();
  const walker = new ChainWalker('export');
  const chainProblem = walkLines(input.exportPath, walker, wanted, hashes);
  const lastSeq = walker.expected - 1;
  report.entries = lastSeq;
  report.lastSeq = lastSeq;
  report.lastHash = lastSeq === 0 ? '' : toBase64url(walker.prev);
  if (chainProblem !== null) {
    // Entries before the first bad one (a break found at entry e can blame entry e - 1).
    report.entries = report.lastSeq = Math.min(lastSeq, Math.max(0, chainProblem.seq - 1));
    if (report.lastSeq !== lastSeq) report.lastHash = '';
    return finish(chainProblem);
  }
  if (lastSeq < m.lastSeq) return finish(problem('audit_chain_broken', 'truncated', lastSeq + 1, `the export ends at entry ${lastSeq}; its manifest lists ${m.lastSeq}: entries ${lastSeq + 1} to ${m.lastSeq} were cut off`));
  if (lastSeq > m.lastSeq) return finish(problem('audit_chain_broken', 'extra', m.lastSeq + 1, `the export holds entries after ${m.lastSeq}, the last one its manifest lists`));

  let lastGood = 0;
  const hashAt = (seq: number) => hashes.get(seq) ?? null;
  for (const cp of [...m.checkpoints].sort((a, b) => a.body.seq - b.body.seq)) {
    const p = checkCheckpoint(cp, identityKey, lastSeq, hashAt, lastGood, 'export manifest');
    if (p !== null) return finish(p);
    lastGood = cp.body.seq;
  }
  if (!sameBytes(walker.prev, decodeField(m.lastHash))) {
    return finish(problem('audit_chain_broken', 'rewritten', lastGood + 1, `the entries are not the ones the manifest signed: rewritten from some entry after ${lastGood}`));
  }
  return finish(null);
}

/** Reads the export line by line (in 1 MiB chunks: it may be larger than memory allows as one string). */
function walkLines(path: string, walker: ChainWalker, wanted: Set<number>, hashes: Map<number, Uint8Array>): AuditProblem | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new EntenteError('file_unreadable', `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    let carry: Uint8Array = new Uint8Array(0);
    const buf = new Uint8Array(CHUNK);
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      const data = carry.length === 0 ? buf.subarray(0, n) : concat(carry, buf.subarray(0, n));
      let start = 0;
      for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
        const p = stepLine(walker, data.subarray(start, nl), wanted, hashes);
        if (p !== null) return p;
        start = nl + 1;
      }
      carry = data.slice(start);
    }
    if (carry.length > 0) return problem('audit_export_malformed', 'malformed', walker.expected, `entry ${walker.expected} is cut short (the export does not end with a complete line)`);
    return null;
  } finally {
    closeSync(fd);
  }
}

function stepLine(walker: ChainWalker, line: Uint8Array, wanted: Set<number>, hashes: Map<number, Uint8Array>): AuditProblem | null {
  const parsed = parseLine(line);
  if (parsed === null) return problem('audit_export_malformed', 'malformed', walker.expected, `line ${walker.expected} is not an audit entry: it was altered or damaged`);
  const seq = claimedSeq(parsed.entry);
  const p = walker.step({ seq, entry: parsed.entry, prev: parsed.prev, hash: parsed.hash });
  if (p === null && seq !== null && wanted.has(seq)) hashes.set(seq, parsed.hash);
  return p;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
