import { z } from 'zod';
import { BannerLevel, DisplayDecision, EffectiveClearance } from '../display/model';
import { Label, Policy } from '../labels/model';
import { Language } from '../prefs';
import { AgencyIdText, Count, MarkingText, Millis, OfficerIdText, OfficerRef, OfficerView, RecordId, Text } from './fields';

/** Channels and notes under need-to-know (main/core/calls-notes.ts). No answer here ever holds a body but notes.body's. */

/** What the renderer needs to decide display itself with shared/display: the same rules main applies. */
export const DisplayContext = z.strictObject({
  language: Language,
  viewer: EffectiveClearance,
  /** Every policy this profile knows (imported, then the shipped ones). */
  policies: z.array(Policy).max(64),
});

export const ChannelSummary = z.strictObject({
  channelId: RecordId,
  name: Text(200),
  admin: OfficerRef,
  members: z.array(OfficerRef).max(256),
  unread: Count,
  lastAt: Millis.nullable(),
  /** The highest classification of the notes held in the channel, one per policy (shared/display/banner.ts). */
  highest: z.array(BannerLevel).max(16),
});
export type ChannelSummary = z.infer<typeof ChannelSummary>;

export const ChannelsList = z.strictObject({ channels: z.array(ChannelSummary).max(10_000) });

export const DeliveryState = z.enum(['queued', 'stored', 'delivered']);

export const NoteMeta = z.strictObject({
  noteId: RecordId,
  channelId: RecordId,
  kind: z.enum(['note', 'control']),
  direction: z.enum(['in', 'out']),
  sender: OfficerView,
  sentAt: Millis,
  receivedAt: Millis,
  read: z.boolean(),
  label: Label,
  /** The label's marking in the officer's language, rendered from the policy. */
  marking: MarkingText,
  classificationName: Text(256),
  /** The classification's colour from the SPIF (null: none given, or the policy is not loaded). */
  color: Text(64).nullable(),
  /** For notes this officer sent: the state of each recipient's copy; the least advanced is `state`. */
  delivery: z
    .strictObject({
      state: DeliveryState,
      recipients: z.array(z.strictObject({ agency: AgencyIdText, officerId: OfficerIdText, state: DeliveryState })).max(256),
    })
    .nullable(),
  /** Shown: fetch the body with notes.body(noteId). Withheld: a redaction card with these reasons. */
  display: DisplayDecision,
});
export type NoteMeta = z.infer<typeof NoteMeta>;

export const PageCursor = z.strictObject({ sentAt: Millis, noteId: RecordId });

export const NotesPageInput = z.strictObject({
  channelId: RecordId,
  limit: z.number().int().min(1).max(200).default(50),
  /** The `next` of the previous page; absent for the newest notes. */
  before: PageCursor.optional(),
});

export const NotesPage = z.strictObject({
  /** Newest first. */
  notes: z.array(NoteMeta).max(200),
  /** Pass as `before` for the next (older) page; null after the oldest note. */
  next: PageCursor.nullable(),
  /** Notes in the channel, for sizing a virtualized list. */
  total: Count,
});

export const NotesBodyInput = z.strictObject({ noteId: RecordId });
export const NotesBody = z.strictObject({ noteId: RecordId, kind: z.enum(['note', 'control']), body: z.string().max(1_000_000) });

export const NotesSearchInput = z.strictObject({
  query: z.string().min(1).max(200),
  channelId: RecordId.optional(),
  limit: z.number().int().min(1).max(100).default(50),
});
export const NotesSearch = z.strictObject({ notes: z.array(NoteMeta).max(100) });
