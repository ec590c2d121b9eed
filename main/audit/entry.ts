import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import { canonicalJson } from '../../shared/labels/canonical-json';
import { Label, normalizeLabel } from '../../shared/labels/model';
import { AUDIT_EVENT_TYPES } from './events';
import type { AuditEvent } from './sink';

/**
 * One audit entry as it is hashed, stored and exported (docs/AUDIT.md §3): the event a module reported,
 * numbered and timed by the log. Its canonical bytes are the canonical JSON (shared/labels/canonical-json.ts)
 * of this object; the chain hash covers exactly those bytes.
 *
 * The bounds below are generous for any real event and tight enough that a module cannot pour a note's
 * body into the log by mistake: details are short identifiers, codes and counts. Text must be printable
 * (no control characters), so an entry is always one line of JSON.
 */
export const ENTRY_VERSION = 1 as const;

const PRINTABLE = /^[^\u0000-\u001f\u007f-\u009f]*$/u;
const text = (max: number) => z.string().min(1).max(max).regex(PRINTABLE, 'control characters');
/** Error and reason codes: lower-case words joined by "_", as in shared/errors.ts and the ACDF reasons. */
const Code = z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'a lower-case code');
const DetailKey = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/, 'a detail name: a letter, then letters, digits or "_" (≤ 64)');

export const MAX_SUBJECTS = 4096;
export const MAX_DETAIL_TEXT = 1024;

const DetailValue = z.union([
  z.string().max(MAX_DETAIL_TEXT).regex(PRINTABLE, 'control characters'),
  z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  z.boolean(),
  z.array(text(256)).max(MAX_SUBJECTS),
]);

export const AuditEventType = z.enum(AUDIT_EVENT_TYPES);
export const AuditOutcome = z.enum(['ok', 'refused', 'failed']);

/** What a module may report: the AuditEvent interface of sink.ts, checked. */
export const AuditEventSchema = z.strictObject({
  type: AuditEventType,
  outcome: AuditOutcome,
  actor: text(200).optional(),
  subjects: z.array(text(256)).max(MAX_SUBJECTS).optional(),
  label: Label.optional(),
  channel: text(200).optional(),
  code: Code.optional(),
  details: z
    .record(DetailKey, DetailValue)
    .refine((d) => Object.keys(d).length <= 64, 'at most 64 details')
    .optional(),
});

/** ISO 8601 UTC with milliseconds, as Date.toISOString writes it: fixed width, so text order is time order. */
export const EntryTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'a UTC time with milliseconds');

export const AuditEntrySchema = AuditEventSchema.extend({
  v: z.literal(ENTRY_VERSION),
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  time: EntryTime,
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/**
 * Checks and normalises a reported event (label categories sorted, empty lists dropped) into the
 * fields an entry carries besides seq and time. Throws `audit_write_failed` naming the problem: an
 * event that cannot be recorded must stop the action it reports.
 */
export function checkEvent(event: AuditEvent): Omit<AuditEntry, 'v' | 'seq' | 'time'> {
  const parsed = AuditEventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EntenteError('audit_write_failed', `audit event ${String((event as { type?: unknown }).type)} is invalid at ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}`);
  }
  const e = parsed.data;
  const out: Omit<AuditEntry, 'v' | 'seq' | 'time'> = { type: e.type, outcome: e.outcome };
  if (e.actor !== undefined) out.actor = e.actor;
  if (e.subjects !== undefined && e.subjects.length > 0) out.subjects = e.subjects;
  if (e.label !== undefined) out.label = normalizeLabel(e.label);
  if (e.channel !== undefined) out.channel = e.channel;
  if (e.code !== undefined) out.code = e.code;
  if (e.details !== undefined && Object.keys(e.details).length > 0) out.details = e.details;
  return out;
}

/** The entry's canonical JSON text (UTF-8 of it is what the chain hashes). */
export function entryText(entry: AuditEntry): string {
  try {
    return canonicalJson(entry);
  } catch (err) {
    throw new EntenteError('audit_write_failed', `audit event ${entry.type} cannot be encoded: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads an entry back from its stored or exported text; null when it is not one (tampered, damaged). */
export function parseEntry(textOrBytes: string | Uint8Array): AuditEntry | null {
  try {
    const s = typeof textOrBytes === 'string' ? textOrBytes : new TextDecoder('utf-8', { fatal: true }).decode(textOrBytes);
    const parsed = AuditEntrySchema.safeParse(JSON.parse(s));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The `seq` an entry's text claims, read without validating the rest (to describe a broken entry). */
export function claimedSeq(bytes: Uint8Array): number | null {
  try {
    const v = (JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as { seq?: unknown }).seq;
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
  } catch {
    return null;
  }
}

export const isoTime = (ms: number): string => new Date(ms).toISOString();
