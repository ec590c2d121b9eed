import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import { Lacv, Oid } from '../../shared/labels/model';
import { toBase64url } from '../trust/base64url';
import { AuditEventType, AuditOutcome, parseEntry, type AuditEntry } from './entry';
import type { EncryptedDatabase } from '../store/database';
import type { AuditLog } from './log';
import { planSteps, seqRange, type Condition, type PlanStep } from './query-plan';

/**
 * Queries for the review screen (docs/AUDIT.md §8): pages of entries, newest first, filtered; and counts
 * per day and classification for the activity chart. Each filter has an index ending in `seq`
 * (main/store/migration-audit.ts); query-plan.ts picks the one to read (or the table itself, from the
 * newest entry, when every filter matches densely), stopping after one page either way.
 *
 * "Label at or above" needs the policy's hierarchy, which this layer does not know: the caller (the
 * policy view) passes the policy and the classification values at or above the one chosen.
 */
export const AuditFilter = z.strictObject({
  /** Time range [from, to) as ISO instants. */
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  types: z.array(AuditEventType).min(1).max(64).optional(),
  outcomes: z.array(AuditOutcome).min(1).max(3).optional(),
  label: z.strictObject({ policyId: Oid, classifications: z.array(Lacv).min(1).max(256) }).optional(),
  channel: z.string().min(1).max(200).optional(),
  /** The actor: "self", or "<agency>/<officer>" for events about another officer's actions. */
  officer: z.string().min(1).max(200).optional(),
});
export type AuditFilter = z.infer<typeof AuditFilter>;

export const AuditPageQuery = AuditFilter.extend({
  /** Entries with seq below this (the `next` of the previous page); absent for the newest page. */
  before: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.number().int().min(1).max(500).default(50),
});
export type AuditPageQuery = z.input<typeof AuditPageQuery>;

export interface AuditPageEntry {
  entry: AuditEntry;
  hash: string;
}

export interface AuditPage {
  entries: AuditPageEntry[];
  /** Pass as `before` for the next (older) page; null at the oldest entry. */
  next: number | null;
}

export interface DayCount {
  day: string;
  policyId: string | null;
  classification: number | null;
  count: number;
}

function parseQuery<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EntenteError('invalid_input', `audit query: ${issue?.path.join('.') || 'query'} ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** ISO text in any valid spelling → the log's own fixed-width form, so comparing text compares time. */
const instant = (s: string): string => new Date(s).toISOString();
const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** Each filter as a condition, with the index that can drive it (time is handled as a seq range). */
export function conditions(f: AuditFilter): Condition[] {
  const out: Condition[] = [];
  if (f.from !== undefined) out.push({ sql: 'time >= ?', params: [instant(f.from)], index: null, multi: false });
  if (f.to !== undefined) out.push({ sql: 'time < ?', params: [instant(f.to)], index: null, multi: false });
  if (f.types !== undefined) out.push({ sql: `type IN (${marks(f.types.length)})`, params: [...f.types], index: 'audit_by_type', multi: f.types.length > 1 });
  if (f.outcomes !== undefined) out.push({ sql: `outcome IN (${marks(f.outcomes.length)})`, params: [...f.outcomes], index: 'audit_by_outcome', multi: f.outcomes.length > 1 });
  if (f.label !== undefined) {
    const { policyId, classifications } = f.label;
    out.push({ sql: `policy_id = ? AND class_lacv IN (${marks(classifications.length)})`, params: [policyId, ...classifications], index: 'audit_by_label', multi: classifications.length > 1 });
  }
  if (f.channel !== undefined) out.push({ sql: 'channel = ?', params: [f.channel], index: 'audit_by_channel', multi: false });
  if (f.officer !== undefined) out.push({ sql: 'actor = ?', params: [f.officer], index: 'audit_by_actor', multi: false });
  return out;
}

export interface PlannedQuery {
  /** The queries to run in order (each over an older seq range than the one before) until `limit` + 1 rows. */
  steps: { sql: string; params: (string | number)[] }[];
  limit: number;
}

/**
 * A page query, planned (query-plan.ts); null when the page is certainly empty. Exported for the
 * EXPLAIN QUERY PLAN tests and the benchmark.
 */
export function pageSql(db: EncryptedDatabase, q: AuditPageQuery): PlannedQuery | null {
  const parsed = parseQuery(AuditPageQuery, q);
  const range = seqRange(db, parsed.from === undefined ? undefined : instant(parsed.from), parsed.to === undefined ? undefined : instant(parsed.to), parsed.before);
  if (range === null) return null;
  const conds = conditions(parsed);
  const steps = planSteps(db.connection, conds, range);
  if (steps === null) return null;
  const where = ['seq BETWEEN ? AND ?', ...conds.map((c) => c.sql)].join(' AND ');
  const filterParams = conds.flatMap((c) => c.params);
  // One row more than asked tells whether an older page exists.
  const limit = parsed.limit + 1;
  return { steps: steps.map((s) => stepSql(s, where, filterParams, limit)), limit: parsed.limit };
}

function stepSql(step: PlanStep, where: string, filterParams: (string | number)[], limit: number): { sql: string; params: (string | number)[] } {
  const { lo, hi } = step.range;
  if (step.kind !== 'intersect') {
    const hint = step.kind === 'table' ? 'NOT INDEXED' : `INDEXED BY ${step.index}`;
    return { sql: `SELECT seq, entry, hash FROM audit_log ${hint} WHERE ${where} ORDER BY seq DESC LIMIT ?`, params: [lo, hi, ...filterParams, limit] };
  }
  const parts = step.conditions.map((c) => `SELECT seq FROM audit_log INDEXED BY ${c.index as string} WHERE ${c.sql} AND seq BETWEEN ? AND ?`);
  return {
    sql: `SELECT a.seq, a.entry, a.hash FROM (${parts.join(' INTERSECT ')} ORDER BY 1 DESC) AS m CROSS JOIN audit_log AS a ON a.seq = m.seq WHERE ${where.replace(/\bseq\b/g, 'a.seq')} ORDER BY a.seq DESC LIMIT ?`,
    params: [...step.conditions.flatMap((c) => [...c.params, lo, hi]), lo, hi, ...filterParams, limit],
  };
}

export function queryAudit(log: AuditLog, q: AuditPageQuery = {}): AuditPage {
  const planned = pageSql(log.profile.db, q);
  if (planned === null) return { entries: [], next: null };
  const rows: Record<string, unknown>[] = [];
  for (const step of planned.steps) {
    if (rows.length > planned.limit) break;
    rows.push(...log.profile.db.connection.prepare(step.sql).all(step.params));
  }
  const entries: AuditPageEntry[] = [];
  for (const r of rows.slice(0, planned.limit)) {
    const entry = parseEntry(String(r.entry));
    // A row that is not an entry shows as damaged on the review screen; verification names it.
    if (entry === null) throw new EntenteError('audit_chain_broken', `audit entry ${String(r.seq)} is damaged; run a verification`);
    entries.push({ entry, hash: toBase64url(r.hash as Uint8Array) });
  }
  const next = rows.length > planned.limit ? (entries[entries.length - 1]?.entry.seq ?? null) : null;
  return { entries, next };
}

/**
 * Entries per UTC day and classification (null for entries without a label), oldest day first. Counted
 * from the `audit_chart` index alone (in its order: no sort) for filters on time, type, outcome and
 * label; a channel or officer filter reads the entries themselves.
 */
export function countsByDay(log: AuditLog, filter: AuditFilter = {}): DayCount[] {
  const f = parseQuery(AuditFilter, filter);
  const conds = conditions(f);
  const where = conds.map((c) => c.sql);
  const params = conds.flatMap((c) => c.params);
  if (f.from !== undefined) {
    where.unshift('day >= ?');
    params.unshift(instant(f.from).slice(0, 10));
  }
  if (f.to !== undefined) {
    where.unshift('day <= ?');
    params.unshift(instant(f.to).slice(0, 10));
  }
  const sql = `SELECT day, policy_id, class_lacv, count(*) AS n FROM audit_log INDEXED BY audit_chart${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} GROUP BY day, policy_id, class_lacv ORDER BY day, policy_id, class_lacv`;
  return log.profile.db.connection
    .prepare(sql)
    .all(params)
    .map((r) => ({ day: String(r.day), policyId: r.policy_id === null ? null : String(r.policy_id), classification: r.class_lacv === null ? null : Number(r.class_lacv), count: Number(r.n) }));
}
