import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import type { Label } from '../../shared/labels/model';
import { AgencyId, DisplayName, OfficerId, Serial } from '../trust/fields';

/** The records the note store (note-store.ts) reads and writes; specs/STORE.md is the contract. */

export interface OfficerRef {
  agency: string;
  officerId: string;
}

export interface ChannelRecord {
  channelId: string;
  name: string;
  admin: OfficerRef;
  members: OfficerRef[];
  createdAt: number;
  updatedAt: number;
}

export interface ChannelSummary extends ChannelRecord {
  unread: number;
  /** Distinct canonical label JSON of its notes, for "highest label present". */
  labels: string[];
  lastAt: number | null;
}

export interface NoteRecord {
  noteId: string;
  channelId: string;
  direction: 'in' | 'out';
  kind: 'note' | 'control';
  sender: OfficerRef & { serial: number };
  senderSeq: number;
  sentAt: number;
  receivedAt: number;
  label: Label;
  labelJson: string;
  body: string;
  read: boolean;
}

export type NewNote = Omit<NoteRecord, 'labelJson' | 'read'> & { read?: boolean };

export type ReceiptState = 'queued' | 'stored' | 'delivered';

export interface Receipt extends OfficerRef {
  state: ReceiptState;
  updatedAt: number;
}

export interface OutboxEntry {
  noteId: string;
  channelId: string;
  envelope: Uint8Array;
  recipients: OfficerRef[];
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  state: 'queued' | 'stored';
}

export interface PeerPrekey {
  prekeyId: number;
  expiresAt: number;
  signed: string;
}

// ---- input schemas: every public method checks its arguments, which may come from a peer or the renderer

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Note and channel ids are chosen by senders' software; any printable text of reasonable length. */
export const RecordId = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !CONTROL.test(s) && !LONE_SURROGATE.test(s), 'control characters or lone surrogates');

/** ms since the epoch. */
export const Millis = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const OfficerRefInput = z.object({ agency: AgencyId, officerId: OfficerId });

const officerKey = (o: OfficerRef): string => `${o.agency}/${o.officerId}`;

/** A list of officers that is a set: a repeated officer is a caller mistake, refused rather than merged. */
export const OfficerList = (min: number) =>
  z
    .array(OfficerRefInput)
    .min(min)
    .max(10_000)
    .refine((xs) => new Set(xs.map(officerKey)).size === xs.length, 'an officer is listed twice');

export const ChannelInput = z.object({
  channelId: RecordId,
  name: DisplayName,
  admin: OfficerRefInput,
  members: OfficerList(0),
  createdAt: Millis,
});

/** Bodies are capped by the messaging layer (note_too_long); this bound only stops absurd input. */
export const MAX_STORED_BODY = 1_000_000;

export const NoteInput = z.object({
  noteId: RecordId,
  channelId: RecordId,
  direction: z.enum(['in', 'out']),
  kind: z.enum(['note', 'control']),
  sender: z.object({ agency: AgencyId, officerId: OfficerId, serial: Serial }),
  senderSeq: Count,
  sentAt: Millis,
  receivedAt: Millis,
  label: z.unknown(), // checked and canonicalised by canonicalLabel (label_malformed)
  body: z.string().max(MAX_STORED_BODY),
  read: z.boolean().optional(),
});

export const EnqueueInput = z.object({
  noteId: RecordId,
  channelId: RecordId,
  envelope: z.instanceof(Uint8Array),
  recipients: OfficerList(1),
  createdAt: Millis,
});

export const SeenInput = z.object({
  noteId: RecordId,
  sender: z.object({ agency: AgencyId, officerId: OfficerId, serial: Serial }),
  seq: Count,
  noteTime: Millis,
  seenAt: Millis,
});

export const PageLimit = z.number().int().min(1).max(1000);

/** Parses `value` or throws invalid_input naming the first problem (never the value: it may be protected). */
export function checked<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue !== undefined && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  throw new EntenteError('invalid_input', `${what}: ${issue?.message ?? 'invalid'}${path}`);
}

export const recipientText = officerKey;
