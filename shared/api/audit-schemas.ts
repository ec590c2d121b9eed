import { z } from 'zod';
import { LevelRef } from '../display/model';
import { Label, Lacv, Oid } from '../labels/model';
import { Count, MarkingText, Millis, Text } from './fields';

/** Audit review (main/core/calls-audit.ts): pages, counts per day, integrity, export. */

/**
 * The event catalog, as main/audit/events.ts lists it (shared/ cannot import main/; a unit test
 * keeps the two lists equal).
 */
export const AUDIT_EVENT_TYPES = [
  'profile_created', 'unlock_succeeded', 'unlock_failed', 'locked', 'passphrase_changed', 'key_protection_changed',
  'identity_created', 'enrolment_request_created', 'policy_imported', 'policy_rejected', 'credential_imported',
  'credential_rejected', 'agency_card_imported', 'agency_card_rejected', 'agreement_imported', 'agreement_rejected',
  'revocation_list_imported', 'revocation_list_rejected', 'import_rejected', 'agency_unpinned', 'key_change_detected',
  'safety_number_verified', 'channel_created', 'channel_renamed', 'channel_membership_changed', 'note_sealed',
  'note_received', 'note_rejected', 'note_displayed', 'note_withheld', 'search_run', 'notes_exported',
  'settings_changed', 'audit_exported', 'audit_verified',
] as const;
export const AuditEventTypeName = z.enum(AUDIT_EVENT_TYPES);
export const AuditOutcomeName = z.enum(['ok', 'refused', 'failed']);

export const AuditFilterInput = z.strictObject({
  /** [from, to) as ISO instants. */
  from: z.iso.datetime().max(40).optional(),
  to: z.iso.datetime().max(40).optional(),
  types: z.array(AuditEventTypeName).min(1).max(64).optional(),
  outcomes: z.array(AuditOutcomeName).min(1).max(3).optional(),
  /** Entries whose label is at or above this classification of its policy. */
  atOrAbove: LevelRef.optional(),
  channel: Text(200, 1).optional(),
  /** The actor: "self", or "<agency>/<officer>". */
  officer: Text(200, 1).optional(),
});

export const AuditPageInput = AuditFilterInput.extend({
  /** The `next` of the previous page. */
  before: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

const DetailValue = z.union([z.string().max(1024), z.number(), z.boolean(), z.array(z.string().max(256)).max(4096)]);

export const AuditEntryView = z.strictObject({
  seq: z.number().int().min(1),
  time: Text(40),
  type: AuditEventTypeName,
  outcome: AuditOutcomeName,
  actor: Text(200).optional(),
  subjects: z.array(Text(256)).max(4096).optional(),
  label: Label.optional(),
  /** The label's marking in the officer's language (absent when its policy is not loaded). */
  marking: MarkingText.optional(),
  channel: Text(200).optional(),
  code: Text(64).optional(),
  details: z
    .record(z.string().max(64), DetailValue)
    .refine((d) => Object.keys(d).length <= 64, 'at most 64 details')
    .optional(),
  /** base64url of the entry's chain hash. */
  hash: Text(64),
});

export const AuditPage = z.strictObject({ entries: z.array(AuditEntryView).max(200), next: z.number().int().min(1).nullable() });

export const AuditCounts = z.strictObject({
  days: z
    .array(
      z.strictObject({
        day: Text(10),
        policyId: Oid.nullable(),
        classification: Lacv.nullable(),
        /** The classification's marking and colour, when its policy is loaded. */
        marking: MarkingText.nullable(),
        color: Text(64).nullable(),
        count: Count,
      }),
    )
    .max(100_000),
});

export const AuditProblemView = z.strictObject({
  code: Text(64),
  kind: Text(32),
  /** The first bad entry (0 when the problem is not about one entry). */
  seq: Count,
  message: z.string().max(1000),
});

export const AuditVerify = z.strictObject({
  ok: z.boolean(),
  entries: Count,
  lastSeq: Count,
  checkpoints: Count,
  latestCheckpoint: z.strictObject({ seq: Count, time: Text(40), reason: Text(32) }).nullable(),
  keystoreCheckpoint: z.strictObject({ seq: Count, time: Text(40) }).nullable(),
  problem: AuditProblemView.nullable(),
  ms: z.number().min(0),
});

/** A file name only: the export always goes to the user data folder's exports/. */
export const ExportName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a file name of letters, digits, ".", "_" and "-"')
  .refine((s) => !s.includes('..'), 'a file name of letters, digits, ".", "_" and "-"');

export const AuditExportInput = z.strictObject({ name: ExportName.optional() });

export const AuditExport = z.strictObject({
  file: Text(4096),
  manifest: Text(4096),
  count: Count,
  lastSeq: Count,
  exportedAt: Millis,
});
