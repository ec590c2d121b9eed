import type Database from '@signalapp/sqlcipher';
import { toBase64url } from '../trust/base64url';
import { HASH_BYTES } from '../crypto/sodium';
import { sameBytes } from './chain';
import { checkpointFromSlot, checkpointHash, checkpointSignedBy, decodeCheckpoint, type SignedCheckpoint } from './checkpoint';
import type { AuditLog } from './log';
import { batchFrom, batchIntact } from './verify-worker-batch';
import { builtWorkerScript, verifyInWorker } from './verify-worker-client';
import { ChainWalker, problem, type AuditProblem } from './walker';

/**
 * Verification of a profile's audit history (docs/AUDIT.md §6): recompute the chain from entry 1,
 * check every checkpoint's signature and that the chain passes through it, and compare with the
 * checkpoint copy in keystore.json. Reports the first bad entry.
 *
 * Speed: entries are read in batches of BATCH rows as one blob of JSON lines and one blob of hashes
 * (SQLite's group_concat), so there is no per-row object to build and no JSON to parse: the cost is
 * SQLCipher decrypting the pages plus one BLAKE2b per entry, in about equal parts
 * (test/bench/audit.bench.ts). On a long history a worker thread hashes each batch while this thread
 * reads the next (verify-worker-client.ts), so the two run on two cores. A batch that does not verify
 * is read again here, row by row, and only then are entries parsed, to say exactly what is wrong.
 */
export const BATCH = 2048;

/**
 * Below this many entries the history is verified in this thread: starting the worker (≈ 0.1 s to load
 * libsodium and zod again) costs more than overlapping saves on so few.
 */
export const WORKER_MIN_ENTRIES = 100_000;

export interface VerifyOptions {
  /**
   * The built verify worker (verify-worker.ts). Default: the one built next to the running bundle, none
   * when running from the sources; null: everything in this thread.
   */
  workerScript?: URL | null;
  /** Default WORKER_MIN_ENTRIES. */
  workerMinEntries?: number;
}

export interface VerifyReport {
  ok: boolean;
  /** Entries read and found intact (up to the first problem). */
  entries: number;
  lastSeq: number;
  /** base64url of the last intact entry's hash. */
  lastHash: string;
  checkpoints: number;
  /** The newest checkpoint found valid in the database, and the one in keystore.json. */
  latestCheckpoint: { seq: number; time: string; reason: string } | null;
  keystoreCheckpoint: { seq: number; time: string } | null;
  problem?: AuditProblem;
  ms: number;
}

interface ChainResult {
  walker: ChainWalker;
  problem: AuditProblem | null;
  /** Entries whose chain the verify worker checked (the rest were checked in this thread). */
  inWorker: number;
}

// The entries numbered after ? up to ? + BATCH: a range of the primary key, read in its order. The
// aggregates follow that order (SQLite does not promise it, and sorting inside the aggregate costs a
// third of the speed): if they ever did not, the hashes would not match and the batch would be read
// again row by row, in order. A range read as it stands is about a tenth faster than a sub-query with
// LIMIT; entries missing from the range show as fewer rows than numbers (batchFrom), a whole range
// missing as no row at all (then the row-by-row read finds what follows). `||` and group_concat copy
// blobs byte for byte.
const FAST_SQL = `SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi,
  CAST(group_concat(entry, char(10)) AS BLOB) AS entries,
  CAST(group_concat(prev || hash, '') AS BLOB) AS hashes
  FROM audit_log WHERE seq > ? AND seq <= ? + ${BATCH}`;
const SLOW_SQL = `SELECT seq, CAST(entry AS BLOB) AS entry, prev, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ${BATCH}`;

/** Recomputes the chain over every entry of the database. */
export function verifyChain(conn: Database, options: VerifyOptions = {}): ChainResult {
  const walker = new ChainWalker('database');
  const fast = conn.prepare(FAST_SQL);
  const slow = conn.prepare(SLOW_SQL);
  const script = options.workerScript === undefined ? builtWorkerScript() : options.workerScript;
  // The worker advances the walker over what it found intact; the loop below does the rest, if any.
  const inWorker = script !== null && highestSeq(conn) >= (options.workerMinEntries ?? WORKER_MIN_ENTRIES) ? verifyInWorker(fast, walker, script) : 0;
  for (;;) {
    const after = walker.expected - 1;
    const batch = fast.get([after, after]);
    if (batch !== undefined && batch.n !== 0 && fastBatch(walker, batch)) continue;
    const rows = slow.all([after]);
    if (rows.length === 0) return { walker, problem: null, inWorker };
    for (const r of rows) {
      const found = walker.step({
        seq: typeof r.seq === 'number' ? r.seq : null,
        entry: r.entry instanceof Uint8Array ? r.entry : new Uint8Array(0),
        prev: r.prev instanceof Uint8Array && r.prev.length === 32 ? r.prev : null,
        hash: r.hash instanceof Uint8Array && r.hash.length === 32 ? r.hash : null,
      });
      if (found !== null) return { walker, problem: found, inWorker };
    }
  }
}

/** True when the whole batch is intact (and the walker has advanced over it); false leaves the walker as it was. */
function fastBatch(walker: ChainWalker, row: Record<string, unknown>): boolean {
  const b = batchFrom(row, walker.expected);
  if (b === null || !batchIntact(walker.hasher, walker.prev, b.entries, b.hashes, b.n)) return false;
  walker.advanceBy(b.n, Uint8Array.from(b.hashes.subarray(b.hashes.length - HASH_BYTES)));
  return true;
}

function highestSeq(conn: Database): number {
  const seq = conn.prepare('SELECT max(seq) FROM audit_log', { pluck: true }).get();
  return typeof seq === 'number' ? seq : 0;
}

/** The hash the (verified) chain has at `seq`, read from the database. */
function storedHash(conn: Database, seq: number): Uint8Array | null {
  const h = conn.prepare('SELECT hash FROM audit_log WHERE seq = ?', { pluck: true }).get([seq]);
  return h instanceof Uint8Array ? h : null;
}

/**
 * Checks one checkpoint against the verified chain (which ends at `lastSeq`). `lastGood` is the highest
 * checkpoint already found consistent, to bound where a rewrite began.
 */
export function checkCheckpoint(cp: SignedCheckpoint, identityKey: Uint8Array | null, lastSeq: number, hashAt: (seq: number) => Uint8Array | null, lastGood: number, source: string): AuditProblem | null {
  if (identityKey === null || !checkpointSignedBy(cp, identityKey)) {
    return problem('audit_checkpoint_invalid', 'checkpoint_invalid', cp.body.seq, `the ${source} checkpoint at entry ${cp.body.seq} is not signed by this officer's identity key`);
  }
  if (cp.body.seq > lastSeq) {
    const rollback = source === 'keystore.json';
    return problem(rollback ? 'audit_rollback_detected' : 'audit_chain_broken', rollback ? 'rollback' : 'truncated', lastSeq + 1, `entries ${lastSeq + 1} to ${cp.body.seq} are gone: the ${source} checkpoint signed ${cp.body.seq} entries, the history ends at ${lastSeq}${rollback ? ' (an older copy of the database was restored?)' : ''}`);
  }
  const have = hashAt(cp.body.seq);
  if (have === null || !sameBytes(have, checkpointHash(cp))) {
    const rollback = source === 'keystore.json';
    return problem(rollback ? 'audit_rollback_detected' : 'audit_chain_broken', rollback ? 'rollback' : 'rewritten', lastGood + 1, `the history up to entry ${cp.body.seq} is not the one the ${source} checkpoint signed: it was rewritten from some entry after ${lastGood}${rollback ? ' (or an older copy of the database was restored and written to since)' : ''}`);
  }
  return null;
}

/**
 * The cheap check made at every unlock: does the database reach and agree with the checkpoint copy in
 * keystore.json? Null when it does or when there is no copy.
 */
export function checkKeystoreCopy(log: AuditLog): AuditProblem | null {
  const slot = log.readCopy();
  if (slot === undefined) return null;
  let cp: SignedCheckpoint;
  try {
    cp = checkpointFromSlot(slot);
  } catch (err) {
    return problem('audit_checkpoint_invalid', 'checkpoint_invalid', 0, (err as Error).message);
  }
  const conn = log.profile.db.connection;
  const head = log.head();
  const id = log.identityKey();
  return checkCheckpoint(cp, id?.key ?? null, head.seq, (seq) => storedHash(conn, seq), 0, 'keystore.json');
}

/** Full verification of the profile's history. */
export function verifyAuditLog(log: AuditLog, options: VerifyOptions = {}): VerifyReport {
  const t0 = performance.now();
  const conn = log.profile.db.connection;
  const { walker, problem: chainProblem } = verifyChain(conn, options);
  const lastSeq = walker.expected - 1;
  const id = log.identityKey();
  const hashAt = (seq: number) => (seq <= lastSeq ? storedHash(conn, seq) : null);
  let found: AuditProblem | null = chainProblem;
  const rows = conn.prepare('SELECT checkpoint FROM audit_checkpoints ORDER BY seq, id', { pluck: true }).all();
  let latest: VerifyReport['latestCheckpoint'] = null;
  let lastGood = 0;
  const consider = (p: AuditProblem | null) => {
    if (p !== null && (found === null || p.seq < found.seq)) found = p;
  };
  for (const text of rows) {
    const cp = typeof text === 'string' ? decodeCheckpoint(text) : null;
    if (cp === null) {
      consider(problem('audit_checkpoint_invalid', 'checkpoint_invalid', lastGood + 1, 'a stored checkpoint is damaged'));
      continue;
    }
    // Checkpoints beyond a chain break are judged by the break, not reported again.
    if (chainProblem !== null && cp.body.seq >= chainProblem.seq) continue;
    const p = checkCheckpoint(cp, id?.key ?? null, lastSeq, hashAt, lastGood, 'database');
    consider(p);
    if (p === null) {
      lastGood = cp.body.seq;
      latest = { seq: cp.body.seq, time: cp.body.time, reason: cp.body.reason };
    }
  }
  let keystoreCheckpoint: VerifyReport['keystoreCheckpoint'] = null;
  const slot = log.readCopy();
  if (slot !== undefined) {
    try {
      const cp = checkpointFromSlot(slot);
      keystoreCheckpoint = { seq: cp.body.seq, time: cp.body.time };
      if (chainProblem === null || cp.body.seq < chainProblem.seq) consider(checkCheckpoint(cp, id?.key ?? null, lastSeq, hashAt, lastGood, 'keystore.json'));
    } catch (err) {
      consider(problem('audit_checkpoint_invalid', 'checkpoint_invalid', lastSeq + 1, (err as Error).message));
    }
  }
  // Entries before the first bad one (a break found at entry e can blame entry e - 1).
  const intact = found === null ? lastSeq : Math.min(lastSeq, Math.max(0, (found as AuditProblem).seq - 1));
  const lastHash = intact === 0 ? '' : toBase64url(intact === lastSeq ? walker.prev : (storedHash(conn, intact) ?? new Uint8Array(0)));
  const report: VerifyReport = { ok: found === null, entries: intact, lastSeq: intact, lastHash, checkpoints: rows.length, latestCheckpoint: latest, keystoreCheckpoint, ms: performance.now() - t0 };
  if (found !== null) report.problem = found;
  return report;
}

/** Verifies the profile's history and records the verification (`audit_verified`) in it. */
export function verifyAndRecord(log: AuditLog, options: VerifyOptions = {}): VerifyReport {
  const report = verifyAuditLog(log, options);
  const p = report.problem;
  log.record({
    type: 'audit_verified',
    outcome: p === undefined ? 'ok' : 'failed',
    actor: 'self',
    ...(p === undefined ? {} : { code: p.code }),
    details: { scope: 'profile', entries: report.entries, ...(p === undefined ? {} : { firstBadSeq: p.seq, problem: p.kind }) },
  });
  return report;
}
