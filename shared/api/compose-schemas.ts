import { z } from 'zod';
import { CategoryRef, Label, Lacv, Oid, TagType } from '../labels/model';
import { Reason } from '../labels/reasons';
import { ShareReason } from '../trust/share-reasons';
import { MarkingText, OfficerView, Problem, RecordId, Text } from './fields';
import { NoteMeta } from './notes-schemas';

/** Compose and send (main/core/calls-compose.ts): the label from the catalog, a live preview, the refusals. */

const Names = z.strictObject({ en: Text(1024), fr: Text(1024) });

export const ComposeCatalogInput = z.strictObject({
  /** Default: the policy of the officer's own clearance. */
  policyId: Oid.optional(),
});

export const ComposeCatalog = z.strictObject({
  policyId: Oid,
  policyName: Text(256),
  policies: z.array(z.strictObject({ policyId: Oid, name: Text(256) })).max(64),
  /** Lowest first. `allowed`: within the officer's clearance on this workstation in this session. */
  classifications: z
    .array(z.strictObject({ lacv: Lacv, name: Text(256), hierarchy: z.number().int().min(0), color: Text(64).nullable(), names: Names, allowed: z.boolean() }))
    .max(256),
  /** In SPIF order. `held`: the officer's clearance holds the value. */
  categories: z
    .array(z.strictObject({ ref: CategoryRef, tagSetName: Text(256), tagType: TagType, name: Text(256), names: Names, held: z.boolean() }))
    .max(4096),
});

export const ComposePreviewInput = z.strictObject({ channelId: RecordId, label: Label });

export const RecipientsPreview = z.strictObject({
  eligible: z.array(OfficerView).max(256),
  withheld: z.array(z.strictObject({ officer: OfficerView, reasons: z.array(ShareReason).max(64) })).max(256),
});

export const ComposePreview = z.strictObject({
  marking: MarkingText.nullable(),
  color: Text(64).nullable(),
  /** Whether the label is valid under its policy, and why not. */
  validation: z.strictObject({ valid: z.boolean(), reasons: z.array(Reason).max(64) }),
  recipients: RecipientsPreview,
  /** Why compose.send would refuse this label in this channel now; null when it would send. */
  refusal: Problem.nullable(),
});

export const ComposeSendInput = z.strictObject({ channelId: RecordId, label: Label, text: z.string().min(1).max(16_000) });

export const ComposeSend = z.strictObject({
  note: NoteMeta,
  recipients: RecipientsPreview,
  /** The note waits in the outbox until the relay confirms it (sent now when a relay session runs). */
  queued: z.boolean(),
});
