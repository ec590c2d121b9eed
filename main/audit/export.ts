import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { EntenteError } from '../../shared/errors';
import { writeFileAtomic, writeStreamAtomic } from '../store/atomic-file';
import { toBase64url } from '../trust/base64url';
import { TrustStore } from '../trust/trust-store';
import { createSigned, encodeSigned } from '../trust/signed';
import { decodeCheckpoint, type SignedCheckpoint } from './checkpoint';
import { isoTime } from './entry';
import { AuditManifest, credentialFingerprint, exportLine, manifestPathFor, type ManifestBody, type SignedManifest } from './export-format';
import type { AuditLog } from './log';

export interface ExportResult {
  file: string;
  manifest: string;
  count: number;
  lastSeq: number;
  lastHash: string;
  checkpoints: number;
}

const READ_BATCH = 4096;

/**
 * Writes the history up to a fresh `export` checkpoint to `out` (JSON Lines) and `out.manifest.json`
 * (signed), both 0600 and each atomically: a reader sees the old file or the new one, never half of
 * one. The export contains the entries as stored — a damaged history is exported as it is, and the
 * offline verifier then names the same first bad entry. Records `audit_exported` afterwards (so the
 * export does not contain its own record).
 */
export function exportAuditLog(log: AuditLog, out: string, now: number = log.now()): ExportResult {
  if (!existsSync(dirname(out))) throw new EntenteError('file_unwritable', `${dirname(out)} does not exist`);
  const signer = log.signer();
  if (signer === null) throw new EntenteError('identity_missing', 'This profile has no identity key yet to sign an export with; run `entente profile init`.');
  const cp = log.checkpoint('export');
  if (cp === null) throw new EntenteError('audit_write_failed', 'the audit history is empty');
  log.saveCopy(cp);
  const conn = log.profile.db.connection;
  const last = cp.body.seq;
  try {
    writeStreamAtomic(out, (write) => {
      const rows = conn.prepare('SELECT seq, entry, prev, hash FROM audit_log WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?');
      for (let after = 0; after < last; ) {
        const batch = rows.all([after, last, READ_BATCH]);
        if (batch.length === 0) break;
        let chunk = '';
        for (const r of batch) chunk += exportLine(String(r.entry), r.prev as Uint8Array, r.hash as Uint8Array);
        write(chunk);
        after = batch[batch.length - 1]?.seq as number;
      }
    });
    const checkpoints = conn
      .prepare('SELECT checkpoint FROM audit_checkpoints WHERE seq <= ? ORDER BY seq, id', { pluck: true })
      .all([last])
      .map((t) => decodeCheckpoint(String(t)))
      .filter((c): c is SignedCheckpoint => c !== null && c.sigs.identity !== undefined)
      .map((c) => ({ v: 1 as const, type: 'audit-checkpoint' as const, body: c.body, sigs: { identity: c.sigs.identity as string } }));
    const store = new TrustStore(log.profile.db);
    const own = store.ownCredential(now) ?? store.credentials({ own: true })[0];
    const body: ManifestBody = {
      format: 'entente-audit-export',
      officer: signer.officerId,
      identityKey: toBase64url(signer.signPublic),
      ...(own === undefined ? {} : { credential: { agency: own.body.agency, serial: own.body.serial, fingerprint: credentialFingerprint(own.body) } }),
      exported: isoTime(now),
      count: last,
      firstSeq: 1,
      lastSeq: last,
      lastHash: cp.body.hash,
      checkpoints,
    };
    const manifest: SignedManifest = createSigned(AuditManifest, body, 'identity', signer.signSecret);
    writeFileAtomic(manifestPathFor(out), encodeSigned(manifest), 0o600);
    log.record({ type: 'audit_exported', outcome: 'ok', actor: 'self', details: { entries: last, lastSeq: last, file: basename(out), checkpoints: checkpoints.length } });
    return { file: out, manifest: manifestPathFor(out), count: last, lastSeq: last, lastHash: cp.body.hash, checkpoints: checkpoints.length };
  } catch (err) {
    const code = err instanceof EntenteError ? err.code : 'file_unwritable';
    log.record({ type: 'audit_exported', outcome: 'failed', actor: 'self', code, details: { file: basename(out) } });
    if (err instanceof EntenteError) throw err;
    throw new EntenteError('file_unwritable', `${out} cannot be written (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
}
