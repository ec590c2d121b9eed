import type { z } from 'zod';
import type { AuditCounts, AuditExport, AuditExportInput, AuditFilterInput, AuditPage, AuditPageInput, AuditVerify } from '../../shared/api/audit-schemas';
import { bannerLevel } from '../../shared/display';
import { EntenteError } from '../../shared/errors';
import { renderLabelMarking } from '../../shared/labels/marking-render';
import { viewOf } from '../../shared/labels/policy-view';
import { exportAuditLog } from '../audit/export';
import { MANIFEST_SUFFIX } from '../audit/export-format';
import { countsByDay, queryAudit, type AuditFilter } from '../audit/query';
import { verifyAndRecord } from '../audit/verify';
import type { Core } from './core';
import { exportPath, stampedName } from './exports';
import type { OpenSession } from './session';
import { viewerOf, type Viewer } from './viewer';

/**
 * Audit review (DESIGN.md §8): pages of the history filtered, counts per day and classification for the
 * activity chart, the integrity check naming the first broken entry, and the export for the agency's
 * security officer, always into the user data folder's exports/.
 */

/** The API's filter as the query layer takes it: "at or above" becomes the policy's classifications from there up. */
function filterOf(s: OpenSession, f: z.infer<typeof AuditFilterInput>): AuditFilter {
  const out: AuditFilter = {};
  if (f.from !== undefined) out.from = f.from;
  if (f.to !== undefined) out.to = f.to;
  if (f.types !== undefined) out.types = f.types;
  if (f.outcomes !== undefined) out.outcomes = f.outcomes;
  if (f.channel !== undefined) out.channel = f.channel;
  if (f.officer !== undefined) out.officer = f.officer;
  if (f.atOrAbove !== undefined) {
    const policy = s.ctx.registry.get(f.atOrAbove.policyId);
    const from = policy === undefined ? undefined : viewOf(policy).classByLacv.get(f.atOrAbove.classification);
    if (policy === undefined || from === undefined) throw new EntenteError('invalid_input', 'The classification to filter on is not one of a policy loaded here.');
    out.label = { policyId: policy.id, classifications: viewOf(policy).classes.filter((c) => c.cls.hierarchy >= from.cls.hierarchy).map((c) => c.cls.lacv) };
  }
  return out;
}

function markingOf(viewer: Viewer, label: Parameters<typeof renderLabelMarking>[1]): string | undefined {
  const policy = viewer.policyOf(label.policyId);
  if (policy === undefined) return undefined;
  try {
    return renderLabelMarking(policy, label, { lang: viewer.lang }).slice(0, 4096);
  } catch {
    return undefined;
  }
}

export async function auditPage(core: Core, input: z.input<typeof AuditPageInput>): Promise<z.infer<typeof AuditPage>> {
  const s = await core.sessions.require();
  const viewer = viewerOf(s, core.lang());
  const { before, limit, ...filter } = input;
  const page = queryAudit(s.profile.auditLog, { ...filterOf(s, filter), ...(before === undefined ? {} : { before }), limit: limit ?? 50 });
  return {
    entries: page.entries.map(({ entry, hash }) => {
      const { v: _v, label, ...rest } = entry;
      const marking = label === undefined ? undefined : markingOf(viewer, label);
      return { ...rest, ...(label === undefined ? {} : { label }), ...(marking === undefined ? {} : { marking }), hash };
    }),
    next: page.next,
  };
}

export async function auditCounts(core: Core, input: z.infer<typeof AuditFilterInput>): Promise<z.infer<typeof AuditCounts>> {
  // The count scans the chart index (~0.3 s over a million entries) and holds the main thread: yield once,
  // so the table's page, asked for in the same breath, is answered first (test/bench/desktop-audit.bench.ts).
  await new Promise<void>((resolve) => setImmediate(resolve));
  const s = await core.sessions.require();
  const viewer = viewerOf(s, core.lang());
  const days = countsByDay(s.profile.auditLog, filterOf(s, input)).map((d) => {
    const policy = d.policyId === null ? undefined : viewer.policyOf(d.policyId);
    const level = policy === undefined || d.classification === null ? undefined : bannerLevel(policy, d.classification, viewer.lang);
    return { ...d, marking: level?.marking ?? null, color: level?.color ?? null };
  });
  return { days };
}

export async function auditVerify(core: Core): Promise<z.infer<typeof AuditVerify>> {
  const s = await core.sessions.require();
  const r = verifyAndRecord(s.profile.auditLog);
  return {
    ok: r.ok,
    entries: r.entries,
    lastSeq: r.lastSeq,
    checkpoints: r.checkpoints,
    latestCheckpoint: r.latestCheckpoint,
    keystoreCheckpoint: r.keystoreCheckpoint,
    problem: r.problem === undefined ? null : { code: r.problem.code, kind: r.problem.kind, seq: r.problem.seq, message: r.problem.message.slice(0, 1000) },
    ms: r.ms,
  };
}

export async function auditExport(core: Core, input: z.infer<typeof AuditExportInput>): Promise<z.infer<typeof AuditExport>> {
  const s = await core.sessions.require();
  const now = core.now();
  const name = input.name ?? stampedName(`audit-${s.ctx.identity.officerId}`, now, '.jsonl');
  const out = exportPath(core.dataDir, name, [MANIFEST_SUFFIX]);
  const r = exportAuditLog(s.profile.auditLog, out, now);
  return { file: r.file, manifest: r.manifest, count: r.count, lastSeq: r.lastSeq, exportedAt: now };
}
