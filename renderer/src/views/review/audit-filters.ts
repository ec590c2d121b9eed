import type { CallInput } from '../../../../shared/api/contract';
import type { LevelRef } from '../../../../shared/display';
import type { AUDIT_EVENT_TYPES } from '../../../../shared/api/audit-schemas';

/** The filters as the form holds them: whole days, one event type and outcome at most. */
export interface AuditFilters {
  from: string;
  to: string;
  type: (typeof AUDIT_EVENT_TYPES)[number] | '';
  outcome: 'ok' | 'refused' | 'failed' | '';
  level: LevelRef | null;
  channel: string;
  officer: string;
}

export const NO_FILTERS: AuditFilters = { from: '', to: '', type: '', outcome: '', level: null, channel: '', officer: '' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The day after `day` (UTC), so "until" includes the whole day: the API's `to` is exclusive. */
function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

export function rangeInvalid(f: AuditFilters): boolean {
  return DAY.test(f.from) && DAY.test(f.to) && f.to < f.from;
}

/** The audit.counts / audit.page filter input: only what is set, in the contract's shapes. */
export function filterInput(f: AuditFilters): CallInput<'audit.counts'> {
  const input: CallInput<'audit.counts'> = {};
  if (DAY.test(f.from)) input.from = new Date(`${f.from}T00:00:00.000Z`).toISOString();
  if (DAY.test(f.to)) input.to = nextDay(f.to);
  if (f.type !== '') input.types = [f.type];
  if (f.outcome !== '') input.outcomes = [f.outcome];
  if (f.level !== null) input.atOrAbove = f.level;
  if (f.channel.trim() !== '') input.channel = f.channel.trim();
  if (f.officer.trim() !== '') input.officer = f.officer.trim();
  return input;
}
