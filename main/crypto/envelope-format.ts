import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import { canonicalJson } from '../../shared/labels/canonical-json';
import { Label, normalizeLabel } from '../../shared/labels/model';
import { AgencyId, OfficerId, Serial } from '../trust/fields';
import { SIGNATURE_BYTES, signDetached } from './sodium';

/**
 * The sealed envelope's byte format, version 1 (docs/PROTOCOL.md §7): constants, the header schema,
 * the binary framing and the structural parse. Nothing here needs a key except the signature the
 * framing ends with; the key schedule is in envelope-keys.ts, sealing and opening in envelope.ts.
 *
 *     "ENTE" | version (1 byte) | H (u32 BE) | header (H bytes) | C (u32 BE) | body (C bytes) | signature (64)
 */

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_SUITE = 'x25519-blake2b-xchacha20poly1305-ed25519';
export const MAX_ENVELOPE_BYTES = 256 * 1024;
export const MAX_HEADER_BYTES = 64 * 1024;
export const MAX_RECIPIENTS = 256;
export const MAX_PLAINTEXT_BYTES = 64 * 1024;
/** Plaintexts are padded to a multiple of this, so a note's length shows only to within a block. */
export const PAD_BLOCK_BYTES = 256;
/** The largest body a conforming sender writes: MAX_PLAINTEXT_BYTES padded (a whole block more), plus the tag. */
export const MAX_BODY_BYTES = MAX_PLAINTEXT_BYTES + PAD_BLOCK_BYTES + 16;
/** The signature covers UTF-8 of this, a zero byte, then every envelope byte before the signature. */
export const ENVELOPE_CONTEXT = 'entente/v1/envelope';

const MAGIC = Uint8Array.of(0x45, 0x4e, 0x54, 0x45); // "ENTE"
/** magic, version, H. */
const PREFIX_BYTES = 9;
/** Everything but the header and the body: prefix, C, signature. */
export const ENVELOPE_OVERHEAD_BYTES = PREFIX_BYTES + 4 + SIGNATURE_BYTES;

export interface OfficerRef {
  agency: string;
  officerId: string;
}
export interface EnvelopeRecipient extends OfficerRef {
  prekeyId: number;
  wrapped: string;
}
export interface EnvelopeHeader {
  v: 1;
  suite: string;
  id: string;
  channel: string;
  kind: 'note' | 'control';
  sender: OfficerRef & { serial: number };
  time: string;
  seq: number;
  label: Label;
  eph: string;
  commit: string;
  recipients: EnvelopeRecipient[];
}
export interface ParsedEnvelope {
  header: EnvelopeHeader;
  /** The whole envelope as received (a private copy: the caller's buffer may change, this may not). */
  bytes: Uint8Array;
  /** bytes[0 .. 9+H): the AEAD associated data */
  headerBytes: Uint8Array;
  ciphertext: Uint8Array;
  signature: Uint8Array;
}

/** "<agency>/<officerId>": unique everywhere, since neither id may contain "/". */
export const officerKey = (r: OfficerRef): string => `${r.agency}/${r.officerId}`;

/** Recipients are ordered by agency, then officer id, comparing UTF-16 code units (not by officerKey). */
export function compareOfficers(a: OfficerRef, b: OfficerRef): number {
  if (a.agency !== b.agency) return a.agency < b.agency ? -1 : 1;
  if (a.officerId !== b.officerId) return a.officerId < b.officerId ? -1 : 1;
  return 0;
}

/** A UTC instant to the millisecond, always three fraction digits, a date that exists. */
export const EnvelopeTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'a UTC time with milliseconds, e.g. 2026-11-23T10:00:00.000Z')
  .refine((s) => {
    const t = Date.parse(s);
    return Number.isFinite(t) && new Date(t).toISOString() === s;
  }, 'not a real date and time');

const B64URL_VALUE = (c: number): number => (c >= 97 ? c - 71 : c >= 65 ? c - 65 : c >= 48 ? c + 4 : c === 45 ? 62 : 63);

/**
 * Canonical base64url of exactly `length` bytes (as base64urlBytes in main/trust/base64url.ts accepts),
 * checked without decoding: the length fixes the number of characters, and the bits of the last
 * character beyond the data must be zero. A header carries up to 260 such fields; decoding each to
 * check it was a third of the cost of opening a note.
 */
export function canonicalBase64url(length: number) {
  const chars = Math.ceil((length * 4) / 3);
  const spareBits = chars * 6 - length * 8;
  const shape = new RegExp(`^[A-Za-z0-9_-]{${chars}}$`);
  return z.string().refine((s) => shape.test(s) && (B64URL_VALUE(s.charCodeAt(chars - 1)) & ((1 << spareBits) - 1)) === 0, `must be canonical base64url of ${length} bytes`);
}

export const NoteId = canonicalBase64url(16);
export const ChannelId = canonicalBase64url(16);
export const EnvelopeKind = z.enum(['note', 'control']);
export const EnvelopeSender = z.strictObject({ agency: AgencyId, officerId: OfficerId, serial: Serial });

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A label exactly as normalizeLabel writes it (categories sorted, without duplicates), whose free
 * text has no lone surrogate: JSON can spell one ("\ud800") but UTF-8 cannot, so such a label would
 * have no faithful byte form.
 */
export const NormalizedLabel = Label.refine((l) => canonicalJson(normalizeLabel(l)) === canonicalJson(l), 'label is not in normalized form').refine(
  (l) => !LONE_SURROGATE.test(l.privacyMark ?? '') && !LONE_SURROGATE.test(l.originator?.value ?? ''),
  'label text contains a lone surrogate',
);

const Recipient = z.strictObject({ agency: AgencyId, officerId: OfficerId, prekeyId: Serial, wrapped: canonicalBase64url(48) });

export const EnvelopeHeaderSchema = z.strictObject({
  channel: ChannelId,
  commit: canonicalBase64url(32),
  eph: canonicalBase64url(32),
  id: NoteId,
  kind: EnvelopeKind,
  label: NormalizedLabel,
  // Sorted here; equal neighbours are reported apart, as envelope_duplicate_recipient.
  recipients: z
    .array(Recipient)
    .min(1)
    .max(MAX_RECIPIENTS)
    .refine((rs) => rs.every((r, i) => i === 0 || compareOfficers(rs[i - 1] as OfficerRef, r) <= 0), 'recipients must be sorted by agency, then officer id'),
  sender: EnvelopeSender,
  seq: Serial,
  suite: z.literal(ENVELOPE_SUITE),
  time: EnvelopeTime,
  v: z.literal(ENVELOPE_VERSION),
});

/** The first recipient listed twice, or null; `sorted` must be sorted by compareOfficers. */
export function duplicateOf(sorted: readonly OfficerRef[]): OfficerRef | null {
  for (let i = 1; i < sorted.length; i++) if (compareOfficers(sorted[i - 1] as OfficerRef, sorted[i] as OfficerRef) === 0) return sorted[i] as OfficerRef;
  return null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const CONTEXT_BYTES = encoder.encode(ENVELOPE_CONTEXT);

const int = (n: number): string => {
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${n}`);
  return String(n);
};

/**
 * canonicalJson(header), written out member by member in sorted order: the generic encoder's sorting,
 * object walks and escaping were a quarter of the cost of a parse. Only for a header whose fields
 * passed the schema (or were checked as sealEnvelope checks them): every string here but the label's
 * is restricted to characters JSON does not escape, so it is quoted as it is; the label, which may
 * hold free text, goes through canonicalJson. A property test checks the two encoders agree.
 */
export function headerText(h: EnvelopeHeader): string {
  let recipients = '';
  for (const r of h.recipients) {
    recipients += `${recipients === '' ? '' : ','}{"agency":"${r.agency}","officerId":"${r.officerId}","prekeyId":${int(r.prekeyId)},"wrapped":"${r.wrapped}"}`;
  }
  const s = h.sender;
  return (
    `{"channel":"${h.channel}","commit":"${h.commit}","eph":"${h.eph}","id":"${h.id}","kind":"${h.kind}","label":${canonicalJson(h.label)},` +
    `"recipients":[${recipients}],"sender":{"agency":"${s.agency}","officerId":"${s.officerId}","serial":${int(s.serial)}},` +
    `"seq":${int(h.seq)},"suite":"${h.suite}","time":"${h.time}","v":${int(h.v)}}`
  );
}

/** The header's bytes: canonical JSON, UTF-8. */
export const encodeHeader = (header: EnvelopeHeader): Uint8Array => encoder.encode(headerText(header));

/** What the sender's signature covers: the context string, 0x00, then `bytes[0 .. signedLength)`. */
export function signatureMessage(bytes: Uint8Array, signedLength: number): Uint8Array {
  const out = new Uint8Array(CONTEXT_BYTES.length + 1 + signedLength);
  out.set(CONTEXT_BYTES, 0);
  out.set(bytes.subarray(0, signedLength), CONTEXT_BYTES.length + 1);
  return out;
}

/**
 * Frames an envelope: the header bytes, the body `encryptBody` makes with the associated data it is
 * given (magic, version, H and header), and the signature. Throws envelope_too_large past the limits.
 */
export function assembleEnvelope(headerJson: Uint8Array, encryptBody: (ad: Uint8Array) => Uint8Array, signSecret: Uint8Array): Uint8Array {
  const h = headerJson.length;
  if (h > MAX_HEADER_BYTES) throw new EntenteError('envelope_too_large', `the envelope header would be ${h} bytes; the limit is ${MAX_HEADER_BYTES} (too many recipients or too large a label)`);
  const ad = new Uint8Array(PREFIX_BYTES + h);
  ad.set(MAGIC, 0);
  ad[4] = ENVELOPE_VERSION;
  new DataView(ad.buffer).setUint32(5, h);
  ad.set(headerJson, PREFIX_BYTES);
  const body = encryptBody(ad);
  const total = ENVELOPE_OVERHEAD_BYTES + h + body.length;
  if (total > MAX_ENVELOPE_BYTES) throw new EntenteError('envelope_too_large', `the envelope would be ${total} bytes; the limit is ${MAX_ENVELOPE_BYTES}`);
  const out = new Uint8Array(total);
  out.set(ad, 0);
  new DataView(out.buffer).setUint32(PREFIX_BYTES + h, body.length);
  out.set(body, PREFIX_BYTES + h + 4);
  const signedLength = total - SIGNATURE_BYTES;
  out.set(signDetached(signatureMessage(out, signedLength), signSecret), signedLength);
  return out;
}

const malformed = (why: string): EntenteError => new EntenteError('envelope_malformed', `not a well-formed sealed envelope: ${why}`);

function readJson(headerBytes: Uint8Array): { text: string; raw: Record<string, unknown> } {
  let text: string;
  let raw: unknown;
  try {
    text = decoder.decode(headerBytes);
    raw = JSON.parse(text);
  } catch {
    // Invalid UTF-8, invalid JSON, or JSON nested too deeply for the engine: all equally "not a header".
    throw malformed('the header is not JSON text');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw malformed('the header is not a JSON object');
  return { text, raw: raw as Record<string, unknown> };
}

/**
 * Structural parse, no keys needed. Checks in this order and throws the first failure:
 * envelope_too_large → envelope_malformed (magic) → envelope_version_unsupported (the version byte,
 * read before any length because another version may frame differently) → envelope_malformed
 * (lengths, truncation, trailing bytes, JSON) → envelope_version_unsupported (header v) →
 * envelope_suite_unsupported → envelope_malformed (strict schema, non-canonical bytes, unsorted
 * recipients, bad body length) → envelope_duplicate_recipient. Never throws anything but an
 * EntenteError with one of these codes, whatever the input, and allocates nothing larger than it.
 */
export function parseEnvelope(input: Uint8Array): ParsedEnvelope {
  if (!(input instanceof Uint8Array)) throw malformed('not bytes');
  if (input.length > MAX_ENVELOPE_BYTES) throw new EntenteError('envelope_too_large', `the envelope is ${input.length} bytes; the limit is ${MAX_ENVELOPE_BYTES}`);
  if (input.length < MAGIC.length + 1 || MAGIC.some((b, i) => input[i] !== b)) throw malformed('it does not start with "ENTE" and a version');
  if (input[4] !== ENVELOPE_VERSION) throw new EntenteError('envelope_version_unsupported', `the envelope has format version ${String(input[4])}; this Entente reads version ${ENVELOPE_VERSION}`);
  if (input.length < PREFIX_BYTES + 4 + SIGNATURE_BYTES) throw malformed('it is truncated');

  const bytes = input.slice();
  const view = new DataView(bytes.buffer);
  const h = view.getUint32(5);
  if (h === 0 || h > MAX_HEADER_BYTES) throw malformed(`header length ${h} is outside 1..${MAX_HEADER_BYTES}`);
  const bodyAt = PREFIX_BYTES + h + 4;
  if (bodyAt > bytes.length) throw malformed('it is truncated inside the header');
  const c = view.getUint32(PREFIX_BYTES + h);
  const expected = bodyAt + c + SIGNATURE_BYTES;
  if (expected !== bytes.length) throw malformed(expected > bytes.length ? 'it is truncated' : 'bytes follow the signature');

  const headerBytes = bytes.subarray(0, PREFIX_BYTES + h);
  const { text, raw } = readJson(headerBytes.subarray(PREFIX_BYTES));
  if (Object.hasOwn(raw, 'v') && raw.v !== ENVELOPE_VERSION) {
    throw new EntenteError('envelope_version_unsupported', `the envelope header has version ${JSON.stringify(raw.v).slice(0, 20)}; this Entente reads version ${ENVELOPE_VERSION}`);
  }
  if (Object.hasOwn(raw, 'suite') && raw.suite !== ENVELOPE_SUITE) {
    throw new EntenteError('envelope_suite_unsupported', `the envelope uses the algorithm suite ${JSON.stringify(raw.suite).slice(0, 80)}; this Entente knows only ${ENVELOPE_SUITE}`);
  }
  const parsed = EnvelopeHeaderSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw malformed(`the header is invalid at ${issue?.path.join('.') || 'its top level'}: ${issue?.message ?? 'invalid'}`);
  }
  const header = parsed.data as EnvelopeHeader;
  // One header, one byte form: the signature then covers exactly what every reader understands.
  if (headerText(header) !== text) throw malformed('the header is not in canonical form');
  if (c < PAD_BLOCK_BYTES + 16 || (c - 16) % PAD_BLOCK_BYTES !== 0 || c > MAX_BODY_BYTES) throw malformed(`body length ${c} is not a padded note (16 + a multiple of ${PAD_BLOCK_BYTES}, at most ${MAX_BODY_BYTES})`);
  const twice = duplicateOf(header.recipients);
  if (twice !== null) throw new EntenteError('envelope_duplicate_recipient', `the envelope lists ${officerKey(twice)} more than once`);

  return {
    header,
    bytes,
    headerBytes,
    ciphertext: bytes.subarray(bodyAt, bodyAt + c),
    signature: bytes.subarray(bodyAt + c),
  };
}
