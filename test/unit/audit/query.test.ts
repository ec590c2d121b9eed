import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import type { AuditEntry } from '../../../main/audit/entry';
import { TIME_REGRESSED_META } from '../../../main/audit/log';
import { conditions, countsByDay, pageSql, queryAudit, type AuditFilter, type DayCount } from '../../../main/audit/query';
import { CAP, WINDOW, planSteps } from '../../../main/audit/query-plan';
import type { AuditEvent } from '../../../main/audit/sink';
import type { Profile } from '../../../main/identity/profile';
import { getMeta } from '../../../main/store/meta';
import { EntenteError } from '../../../shared/errors';
import { FakeClock } from '../../helpers/profile';
import { tempDir } from '../../helpers/tmp';
import { auditProfile, entries } from './helpers';

const NATO = '1.3.26.1.3.1';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const HOUR = 3_600_000;
const TYPES = ['note_sealed', 'note_received', 'note_displayed', 'search_run', 'note_rejected'] as const;

function event(i: number): AuditEvent {
  const type = TYPES[i % 11 === 0 ? 4 : i % 4] as AuditEvent['type'];
  const labelled = type !== 'search_run';
  return {
    type,
    // A note is never sealed with outcome "failed": a dense pair of filters that never coincide.
    outcome: type === 'note_rejected' ? 'refused' : type !== 'note_sealed' && i % 3 === 1 ? 'failed' : 'ok',
    actor: type === 'note_received' ? `uk-demo/o${i % 3}` : 'self',
    ...(labelled ? { channel: `ch-${i % 5}`, label: { policyId: NATO, classification: 1 + (i % 5), categories: [] } } : {}),
  };
}

/** The filter, applied to every entry in memory: what the indexed queries must return. */
function matches(e: AuditEntry, f: AuditFilter): boolean {
  if (f.from !== undefined && e.time < new Date(f.from).toISOString()) return false;
  if (f.to !== undefined && e.time >= new Date(f.to).toISOString()) return false;
  if (f.types !== undefined && !f.types.includes(e.type)) return false;
  if (f.outcomes !== undefined && !f.outcomes.includes(e.outcome)) return false;
  if (f.label !== undefined && !(e.label?.policyId === f.label.policyId && f.label.classifications.includes(e.label.classification))) return false;
  if (f.channel !== undefined && e.channel !== f.channel) return false;
  if (f.officer !== undefined && e.actor !== f.officer) return false;
  return true;
}

function allPages(profile: Profile, f: AuditFilter, limit: number): number[] {
  const seqs: number[] = [];
  let before: number | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = queryAudit(profile.auditLog, { ...f, limit, ...(before === undefined ? {} : { before }) });
    seqs.push(...page.entries.map((e) => e.entry.seq));
    if (page.next === null) return seqs;
    expect(page.entries).toHaveLength(limit);
    before = page.next;
  }
  throw new Error('paging did not end');
}

function bruteCounts(all: AuditEntry[], f: AuditFilter): DayCount[] {
  const m = new Map<string, DayCount>();
  for (const e of all.filter((x) => matches(x, f))) {
    const k = `${e.time.slice(0, 10)}|${e.label?.policyId ?? ''}|${e.label?.classification ?? ''}`;
    const c = m.get(k) ?? { day: e.time.slice(0, 10), policyId: e.label?.policyId ?? null, classification: e.label?.classification ?? null, count: 0 };
    c.count += 1;
    m.set(k, c);
  }
  const key = (c: DayCount) => `${c.day}|${c.policyId ?? ''}|${String(c.classification ?? -1).padStart(3, '0')}`;
  return [...m.values()].sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

const filterArb = fc.record(
  {
    // Unbiased: fast-check otherwise favours the ends of the range, where the clock set back does not show.
    from: fc.noBias(fc.integer({ min: -10 * HOUR, max: 620 * HOUR })).map((ms) => new Date(T0 + ms).toISOString()),
    to: fc.noBias(fc.integer({ min: 0, max: 650 * HOUR })).map((ms) => new Date(T0 + ms).toISOString()),
    types: fc.uniqueArray(fc.constantFrom(...TYPES, 'passphrase_changed' as const), { minLength: 1, maxLength: 3 }),
    outcomes: fc.uniqueArray(fc.constantFrom('ok' as const, 'refused' as const, 'failed' as const), { minLength: 1, maxLength: 2 }),
    label: fc.integer({ min: 1, max: 5 }).map((c) => ({ policyId: NATO, classifications: [1, 2, 3, 4, 5].filter((x) => x >= c) })),
    channel: fc.constantFrom('ch-0', 'ch-3', 'ch-9'),
    officer: fc.constantFrom('self', 'uk-demo/o1', 'nobody'),
  },
  { requiredKeys: [] },
);

describe.each([
  ['a clock that only moves forward', false],
  ['a clock set back in the middle', true],
])('review queries, with %s', (_name, setBack) => {
  let tmp: ReturnType<typeof tempDir>;
  let profile: Profile;
  let all: AuditEntry[];

  beforeAll(async () => {
    tmp = tempDir();
    const clock = new FakeClock(T0);
    profile = await auditProfile(join(tmp.path, 'p'), { clock });
    profile.db.transaction(() => {
      // Enough entries that several filters match more than CAP and the two-step plan is used.
      for (let i = 0; i < 12_000; i++) {
        clock.t = T0 + i * (HOUR / 20) - (setBack && i >= 6000 ? 100 * HOUR + 150_000 : 0);
        profile.audit.record(event(i));
      }
    });
    all = entries(profile);
  });
  afterAll(() => {
    profile.lock();
    tmp.remove();
  });

  it('knows whether time order is seq order', () => {
    expect(getMeta(profile.db, TIME_REGRESSED_META) !== null).toBe(setBack);
  });

  it('pages newest first through exactly the matching entries, for random filters (property)', () => {
    fc.assert(
      fc.property(filterArb, fc.constantFrom(7, 50, 500), (f, limit) => {
        const expected = all.filter((e) => matches(e, f)).map((e) => e.seq).reverse();
        expect(allPages(profile, f, limit)).toEqual(expected);
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it('counts per day and classification exactly (property)', () => {
    fc.assert(
      fc.property(filterArb, (f) => {
        expect(countsByDay(profile.auditLog, f)).toEqual(bruteCounts(all, f));
      }),
      { numRuns: 40, seed: 11 },
    );
  });

  it('reads a selective filter through its index and a dense one along the table (EXPLAIN QUERY PLAN)', () => {
    const plan = (f: AuditFilter) => {
      const p = pageSql(profile.db, f);
      return p === null ? 'empty' : p.steps.map((st) => profile.db.connection.prepare(`EXPLAIN QUERY PLAN ${st.sql}`).all(st.params).map((r) => String(r.detail)).join('; ')).join(' THEN ');
    };
    expect(all.filter((e) => e.type === 'note_rejected').length).toBeLessThan(CAP);
    expect(plan({ types: ['note_rejected'] })).toMatch(/USING INDEX audit_by_type \(type=\? AND seq>\? AND seq<\?\)/);
    expect(plan({ types: ['note_sealed', 'note_received'] })).toMatch(/USING INTEGER PRIMARY KEY/);
    // Dense filters that never coincide: the newest WINDOW entries along the table, then the rarer filter's index.
    const dense: AuditFilter = { types: ['note_sealed'], outcomes: ['failed'] };
    const head = all.at(-1)?.seq ?? 0;
    const steps = planSteps(profile.db.connection, conditions(dense), { lo: 1, hi: head }) ?? [];
    // Two steps covering the whole range, newest part first, without gap or overlap.
    expect(steps.map((st) => [st.kind, st.range.lo, st.range.hi])).toEqual([
      ['table', head - WINDOW + 1, head],
      ['intersect', 1, head - WINDOW],
    ]);
    const sparse: AuditFilter = { types: ['note_displayed'], outcomes: ['failed'], label: { policyId: NATO, classifications: [5] } };
    for (const limit of [7, 50, 500]) expect(allPages(profile, sparse, limit)).toEqual(all.filter((e) => matches(e, sparse)).map((e) => e.seq).reverse());
    expect(plan(dense)).toMatch(/USING INTEGER PRIMARY KEY .* THEN .*MERGE \(INTERSECT\).*USING INDEX audit_by_type .*USING INDEX audit_by_outcome/);
    expect(allPages(profile, dense, 50)).toEqual([]);
    const lone: AuditFilter = { types: ['note_sealed'] };
    expect(plan(lone)).toMatch(/^SEARCH audit_log USING INDEX audit_by_type \(type=\? AND seq>\? AND seq<\?\)$/);
    expect(plan({ channel: 'ch-3', officer: 'uk-demo/o1' })).toMatch(/USING INDEX audit_by_(channel|actor)/);
    expect(plan({ types: ['passphrase_changed'] })).toBe('empty');
    expect(plan({ from: new Date(T0 + 500 * HOUR).toISOString(), to: new Date(T0 + 501 * HOUR).toISOString() })).toMatch(setBack ? /./ : /USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/);
    // Never a full scan. (An index driven with IN over several values sorts its matches: fewer than CAP.)
    for (const p of [plan({}), plan({ outcomes: ['failed'] }), plan({ label: { policyId: NATO, classifications: [4, 5] } })]) expect(p).not.toMatch(/SCAN/);
    expect(plan({ outcomes: ['failed'] })).not.toMatch(/TEMP B-TREE/);
  });

  it.each([
    ['a limit of 0', { limit: 0 }],
    ['a limit over 500', { limit: 501 }],
    ['an unknown event type', { types: ['note_read_aloud'] }],
    ['a time that is not one', { from: 'yesterday' }],
    ['an unknown filter', { text: 'secret plans' }],
    ['a label without classifications', { label: { policyId: NATO, classifications: [] } }],
  ])('refuses %s with invalid_input', (_what, q) => {
    let code = 'ok';
    try {
      queryAudit(profile.auditLog, q as never);
    } catch (err) {
      code = err instanceof EntenteError ? err.code : 'other';
    }
    expect(code).toBe('invalid_input');
  });
});
