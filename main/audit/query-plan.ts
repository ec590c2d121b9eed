import type Database from '@signalapp/sqlcipher';
import type { EncryptedDatabase } from '../store/database';
import { getMeta } from '../store/meta';
import { TIME_REGRESSED_META } from './log';

/**
 * How a review query is run over a large history (docs/AUDIT.md §8). Two steps:
 *
 * 1. A time range becomes a seq range. While the clock has never gone back (no TIME_REGRESSED_META),
 *    time order is seq order and two probes of the time index give the first and last entry of the
 *    range; otherwise the exact min/max over the range is taken. The time conditions stay in the query
 *    either way: the seq range only narrows where to look.
 * 2. Each filter that has an index is counted inside that seq range, up to CAP, and planSteps picks
 *    what to read. SQLite cannot make this choice itself: without value histograms it sees a rare
 *    event type and a frequent one alike.
 */
export const CAP = 2000;

export interface SeqRange {
  lo: number;
  hi: number;
}

/** Entries with seq in [lo, hi] contain every entry of [from, to); null when the range holds none. */
export function seqRange(db: EncryptedDatabase, from: string | undefined, to: string | undefined, before: number | undefined): SeqRange | null {
  const conn = db.connection;
  const head = conn.prepare('SELECT max(seq) FROM audit_log', { pluck: true }).get();
  let lo = 1;
  let hi = typeof head === 'number' ? head : 0;
  if (before !== undefined) hi = Math.min(hi, before - 1);
  const monotonic = getMeta(db, TIME_REGRESSED_META) === null;
  if (from !== undefined) {
    const sql = monotonic ? 'SELECT seq FROM audit_log WHERE time >= ? ORDER BY time, seq LIMIT 1' : 'SELECT min(seq) FROM audit_log WHERE time >= ?';
    const first = conn.prepare(sql, { pluck: true }).get([from]);
    if (typeof first !== 'number') return null;
    lo = first;
  }
  if (to !== undefined) {
    const sql = monotonic ? 'SELECT seq FROM audit_log WHERE time < ? ORDER BY time DESC, seq DESC LIMIT 1' : 'SELECT max(seq) FROM audit_log WHERE time < ?';
    const last = conn.prepare(sql, { pluck: true }).get([to]);
    if (typeof last !== 'number') return null;
    hi = Math.min(hi, last);
  }
  return lo <= hi ? { lo, hi } : null;
}

/** A filter condition and the index that can drive it. */
export interface Condition {
  sql: string;
  params: (string | number)[];
  index: string | null;
  /** More than one value (IN): its index yields matches out of seq order, so they must be sorted. */
  multi: boolean;
}

/**
 * One query of a plan over a seq range: along the table (`NOT INDEXED`), driven by one filter's index,
 * or through the intersection of several filters' indexes (entry numbers only: no entry is read until
 * it matches every one of them).
 */
export type PlanStep = { kind: 'table'; range: SeqRange } | { kind: 'index'; index: string; range: SeqRange } | { kind: 'intersect'; conditions: Condition[]; range: SeqRange };

/** Matches of `c` in `range`, counted through its index, stopping at `cap`. */
function cappedCount(conn: Database, c: Condition, range: SeqRange, cap: number): number {
  const n = conn
    .prepare(`SELECT count(*) FROM (SELECT 1 FROM audit_log INDEXED BY ${c.index as string} WHERE ${c.sql} AND seq BETWEEN ? AND ? LIMIT ${cap})`, { pluck: true })
    .get([...c.params, range.lo, range.hi]);
  return typeof n === 'number' ? n : cap;
}

/** The size of the newest part of the range read along the table when every filter matches densely. */
export const WINDOW = 4000;

/**
 * The queries to run, newest range first, until a page is full; null when a count found no match.
 *
 * - A filter with fewer than CAP matches drives the query: at most CAP entries are looked at.
 * - A lone single-valued filter drives it too, however dense: its index is in seq order, so the page
 *   stops after `limit` matches.
 * - Otherwise every filter is dense, and so, usually, is their combination: the newest WINDOW entries
 *   are read along the table. If they do not fill the page (the filters rarely coincide), the rest of
 *   the range is the intersection of the filters' indexes: it reads index entries only (a few bytes
 *   each, many to a page) instead of looking up each candidate entry in the table.
 */
export function planSteps(conn: Database, conditions: readonly Condition[], range: SeqRange): PlanStep[] | null {
  const indexed = conditions.filter((c) => c.index !== null);
  let rare: { c: Condition; n: number } | null = null;
  for (const c of indexed) {
    const n = cappedCount(conn, c, range, CAP);
    if (n === 0) return null;
    if (n < CAP && (rare === null || n < rare.n)) rare = { c, n };
  }
  if (rare !== null) return [{ kind: 'index', index: rare.c.index as string, range }];
  const [only] = indexed;
  if (indexed.length === 1 && only !== undefined && !only.multi) return [{ kind: 'index', index: only.index as string, range }];
  if (indexed.length < 2 || range.hi - range.lo < WINDOW) return [{ kind: 'table', range }];
  return [
    { kind: 'table', range: { lo: range.hi - WINDOW + 1, hi: range.hi } },
    { kind: 'intersect', conditions: indexed, range: { lo: range.lo, hi: range.hi - WINDOW } },
  ];
}
