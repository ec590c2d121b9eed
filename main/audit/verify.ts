import type Database from '@signalapp/sqlcipher';
import { toBase64url } from '../trust/base64url';
import { sameBytes } from './chain';
import { checkpointFromSlot, checkpointHash, checkpointSignedBy, decodeCheckpoint, type SignedCheckpoint } from './checkpoint';
import type { AuditLog } from './log';
import { ChainWalker, problem, type AuditProblem } from './walker';

/**
 * Verification of a profile's audit history (docs/AUDIT.md §6): recompute the chain from entry 1,
 * check every checkpoint's signature and that the chain passes through it, and compare with the
 * checkpoint copy in keystore.json. Reports the first bad entry.
 *
 * Speed: entries are read in batches of BATCH rows as one blob of JSON lines and one blob of hashes
 * (SQLite's group_concat), so there is no per-row object to build and no JSON to parse: the cost is
 * SQLCipher decrypting the pages plus one BLAKE2b per entry, in about equal parts (test/bench/audit.bench.ts). A batch that does not verify is read again
 * row by row, and only then are entries parsed, to say exactly what is wrong.
 */
export const BATCH = 2048;

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
}

// The aggregates follow the subquery's order (SQLite does not promise it, and sorting inside the
// aggregate costs a third of the speed): if they ever did not, the hashes would not match and the
// batch would be read again row by row, in order. `||` and group_concat copy blobs byte for byte.
const FAST_SQL = `SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi,
  CAST(group_concat(entry, char(10)) AS BLOB) AS entries,
  CAST(group_concat(prev || hash, '') AS BLOB) AS hashes
  FROM (SELECT seq, entry, prev, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ${BATCH})`;
const SLOW_SQL = `SELECT seq, CAST(entry AS BLOB) AS entry, prev, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ${BATCH}`;

/** Recomputes the chain over every entry of the database. */
export function verifyChain(conn: Database): ChainResult {
  const walker = new ChainWalker('database');
  const fast = conn.prepare(FAST_SQL);
  const slow = conn.prepare(SLOW_SQL);
  for (;;) {
    const after = walker.expected - 1;
    const batch = fast.get([after]);
    if (batch === undefined || batch.n === 0) return { walker, problem: null };
    if (fastBatch(walker, batch)) continue;
    const rows = slow.all([after]);
    for (const r of rows) {
      const found = walker.step({
        seq: typeof r.seq === 'number' ? r.seq : null,
        entry: r.entry instanceof Uint8Array ? r.entry : new Uint8Array(0),
        prev: r.prev instanceof Uint8Array && r.prev.length === 32 ? r.prev : null,
        hash: r.hash instanceof Uint8Array && r.hash.length === 32 ? r.hash : null,
      });
      if (found !== null) return { walker, problem: found };
    }
  }
}

/** True when the whole batch is intact (and the walker has advanced over it); false leaves the walker as it was. */
function fastBatch(walker: ChainWalker, b: Record<string, unknown>): boolean {
  const n = b.n as number;
  const { entries, hashes } = b;
  if (b.lo !== walker.expected || b.hi !== walker.expected + n - 1) return false;
  if (!(entries instanceof Uint8Array) || !(hashes instanceof Uint8Array) || hashes.length !== 64 * n) return false;
  const hasher = walker.hasher;
  const computed: Uint8Array[] = [];
  let prev = walker.prev;
  let start = 0;
  for (let i = 0; i < n; i++) {
    let end = entries.indexOf(10, start);
    if (end < 0) end = entries.length;
    if (end === entries.length && i !== n - 1) return false;
    const storedPrev = hashes.subarray(64 * i, 64 * i + 32);
    const storedHash = hashes.subarray(64 * i + 32, 64 * i + 64);
    const hash = hasher.next(prev, entries.subarray(start, end));
    if (!sameBytes(storedPrev, prev) || !sameBytes(hash, storedHash)) return false;
    computed.push(hash);
    prev = hash;
    start = end + 1;
  }
  if (start !== entries.length + 1) return false;
  for (const h of computed) walker.advance(h);
  return true;
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
export function verifyAuditLog(log: AuditLog): VerifyReport {
  const t0 = performance.now();
  const conn = log.profile.db.connection;
  const { walker, problem: chainProblem } = verifyChain(conn);
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
export function verifyAndRecord(log: AuditLog): VerifyReport {
  const report = verifyAuditLog(log);
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
