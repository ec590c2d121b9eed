import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import { canonicalJson, canonicalJsonBytes } from '../../shared/labels/canonical-json';
import { MAX_PLAINTEXT_BYTES } from '../crypto/envelope-format';
import { AgencyId, DisplayName, OfficerId } from '../trust/fields';

/**
 * What is inside a sealed envelope: canonical JSON of a note or of a channel control operation.
 * Strict like every signed object (docs/PROTOCOL.md §1): an unknown field is an error, the bytes must
 * be exactly the canonical encoding, and keys that name JavaScript object machinery (__proto__,
 * constructor, prototype) are refused wherever they appear, before any schema sees the value.
 */

export const CONTENT_VERSION = 1 as const;
/** Characters of note text; the whole encoded content must also fit MAX_PLAINTEXT_BYTES. */
export const MAX_NOTE_TEXT = 16_000;
export const MAX_CHANNEL_MEMBERS = 256;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Note text: any well-formed text; line breaks and tabs allowed, other control characters not. */
const NoteText = z
  .string()
  .min(1)
  .max(MAX_NOTE_TEXT)
  .refine((s) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s) && !LONE_SURROGATE.test(s), 'control characters or malformed text');

export const OfficerRef = z.strictObject({ agency: AgencyId, officerId: OfficerId });
export type OfficerRef = z.infer<typeof OfficerRef>;

export const compareOfficers = (a: OfficerRef, b: OfficerRef): number => {
  const x = `${a.agency}\u0000${a.officerId}`;
  const y = `${b.agency}\u0000${b.officerId}`;
  return x < y ? -1 : x > y ? 1 : 0;
};

/** A set of officers: sorted, no one twice (one encoding per set). */
const Officers = (min: number) =>
  z
    .array(OfficerRef)
    .min(min)
    .max(MAX_CHANNEL_MEMBERS)
    .refine((xs) => xs.every((x, i) => i === 0 || compareOfficers(xs[i - 1] as OfficerRef, x) < 0), 'must be sorted without duplicates');

export const NoteContent = z.strictObject({ v: z.literal(CONTENT_VERSION), type: z.literal('note'), text: NoteText });
export type NoteContent = z.infer<typeof NoteContent>;

const control = <S extends z.ZodRawShape>(shape: S) => z.strictObject({ v: z.literal(CONTENT_VERSION), type: z.literal('control'), ...shape });

/**
 * Channel changes. `add` carries the whole channel (name and members after the change) so that an
 * officer who is added learns the channel from that one note.
 */
export const ControlContent = z.discriminatedUnion('op', [
  control({ op: z.literal('create'), name: DisplayName, members: Officers(2) }),
  control({ op: z.literal('rename'), name: DisplayName }),
  control({ op: z.literal('add'), name: DisplayName, members: Officers(2), added: Officers(1) }),
  control({ op: z.literal('remove'), removed: Officers(1) }),
]);
export type ControlContent = z.infer<typeof ControlContent>;

export type Content = NoteContent | ControlContent;

export const sortOfficers = (xs: readonly OfficerRef[]): OfficerRef[] =>
  [...new Map(xs.map((x) => [`${x.agency}/${x.officerId}`, { agency: x.agency, officerId: x.officerId }])).values()].sort(compareOfficers);

/** The plaintext of a content; note_too_long when it would not fit an envelope. */
export function encodeContent(content: Content): Uint8Array {
  const schema = content.type === 'note' ? NoteContent : ControlContent;
  if (content.type === 'note' && content.text.length > MAX_NOTE_TEXT) throw new EntenteError('note_too_long', `a note holds at most ${MAX_NOTE_TEXT} characters`);
  const parsed = schema.safeParse(content);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EntenteError('invalid_input', `${issue?.path.join('.') || 'content'}: ${issue?.message ?? 'invalid'}`);
  }
  const bytes = canonicalJsonBytes(parsed.data);
  if (bytes.length > MAX_PLAINTEXT_BYTES) throw new EntenteError('note_too_long', `the note takes ${bytes.length} bytes; at most ${MAX_PLAINTEXT_BYTES} fit in an envelope`);
  return bytes;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The first forbidden key anywhere in a parsed JSON value, if any. */
export function forbiddenKey(value: unknown, depth = 0): string | undefined {
  if (depth > 64) return '(nesting deeper than 64)';
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = forbiddenKey(v, depth + 1);
      if (found !== undefined) return found;
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return key;
      const found = forbiddenKey((value as Record<string, unknown>)[key], depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const malformed = (why: string) => new EntenteError('note_content_malformed', `the note content ${why}`);

/** Reads the decrypted plaintext of an envelope of `kind`; note_content_malformed or note_too_long. */
export function decodeContent(bytes: Uint8Array, kind: 'note' | 'control'): Content {
  if (bytes.length > MAX_PLAINTEXT_BYTES) throw new EntenteError('note_too_long', `the note content takes ${bytes.length} bytes; at most ${MAX_PLAINTEXT_BYTES} are accepted`);
  let raw: unknown;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    raw = JSON.parse(text) as unknown;
  } catch {
    throw malformed('is not JSON text');
  }
  const bad = forbiddenKey(raw);
  if (bad !== undefined) throw malformed(`has a forbidden key "${bad}"`);
  const schema = kind === 'note' ? NoteContent : ControlContent;
  if (kind === 'note' && typeof raw === 'object' && raw !== null && typeof (raw as { text?: unknown }).text === 'string' && (raw as { text: string }).text.length > MAX_NOTE_TEXT) {
    throw new EntenteError('note_too_long', `a note holds at most ${MAX_NOTE_TEXT} characters`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw malformed(`is invalid for a ${kind} at ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}`);
  }
  let canonical: string;
  try {
    canonical = canonicalJson(parsed.data);
  } catch {
    throw malformed('cannot be encoded canonically');
  }
  if (canonical !== text) throw malformed('is not in canonical form');
  return parsed.data;
}

/** What a control note's row holds as its body: the operation without the fixed fields, for the UI to phrase. */
export function describeControl(c: ControlContent): string {
  const { v: _v, type: _type, ...rest } = c;
  return canonicalJson(rest);
}
