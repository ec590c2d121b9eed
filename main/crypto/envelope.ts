import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import { Label, normalizeLabel } from '../../shared/labels/model';
import { decodeField, toBase64url } from '../trust/base64url';
import { AgencyId, OfficerId, Serial } from '../trust/fields';
import {
  ChannelId,
  ENVELOPE_SUITE,
  ENVELOPE_VERSION,
  EnvelopeKind,
  EnvelopeSender,
  EnvelopeTime,
  MAX_PLAINTEXT_BYTES,
  MAX_RECIPIENTS,
  NormalizedLabel,
  PAD_BLOCK_BYTES,
  assembleEnvelope,
  compareOfficers,
  duplicateOf,
  encodeHeader,
  officerKey,
  signatureMessage,
  type EnvelopeHeader,
  type EnvelopeRecipient,
  type OfficerRef,
  type ParsedEnvelope,
} from './envelope-format';
import { CONTENT_KEY_BYTES, NOTE_ID_BYTES, keyCommitment, ownPublicKey, unwrapContentKey, wrapContentKey, wrapKey, zeroNonce } from './envelope-keys';
import { DH_PUBLIC_BYTES, DH_SECRET_BYTES, SIGNATURE_BYTES, aeadDecrypt, aeadEncrypt, constantTimeEqual, dh, dhPublicKey, pad, randomBytes, unpad, verifyDetached, wipe } from './sodium';

/**
 * Sealed envelopes (docs/PROTOCOL.md §7, DESIGN.md §4): one note, encrypted once under a random
 * content key, that key wrapped for each recipient, the whole signed by the sender. The format and
 * the structural parse are in envelope-format.ts, the key schedule in envelope-keys.ts.
 */

export {
  ENVELOPE_SUITE,
  ENVELOPE_VERSION,
  MAX_ENVELOPE_BYTES,
  MAX_HEADER_BYTES,
  MAX_PLAINTEXT_BYTES,
  MAX_RECIPIENTS,
  officerKey,
  parseEnvelope,
  type EnvelopeHeader,
  type EnvelopeRecipient,
  type OfficerRef,
  type ParsedEnvelope,
} from './envelope-format';

export interface SealRecipient extends OfficerRef {
  prekeyId: number;
  prekey: Uint8Array;
  identityDh: Uint8Array;
}
export interface SealInput {
  channel: string;
  kind: 'note' | 'control';
  sender: OfficerRef & { serial: number };
  time: string;
  seq: number;
  label: Label;
  /** Any order; sealEnvelope sorts them. */
  recipients: readonly SealRecipient[];
  plaintext: Uint8Array;
  /** Ed25519 64-byte secret. */
  signSecret: Uint8Array;
  /** Test vectors only: deterministic randomness for note id, content key, ephemeral secret, in that order. */
  random?: (length: number) => Uint8Array;
}

const SealFields = z.object({ channel: ChannelId, kind: EnvelopeKind, sender: EnvelopeSender, time: EnvelopeTime, seq: Serial, label: Label });
const SealRecipientRef = z.object({ agency: AgencyId, officerId: OfficerId, prekeyId: Serial });

const invalid = (message: string): EntenteError => new EntenteError('invalid_input', message);

function firstIssue(error: z.ZodError, what: string): EntenteError {
  const issue = error.issues[0];
  return invalid(`${what}: ${issue?.path.join('.') || 'value'} ${issue?.message ?? 'is invalid'}`.trim());
}

/** Checks everything but the keys' mathematics; returns the recipients sorted as the header lists them. */
function checkInput(input: SealInput): { fields: z.infer<typeof SealFields>; recipients: SealRecipient[] } {
  const fields = SealFields.safeParse(input);
  if (!fields.success) throw firstIssue(fields.error, 'cannot seal the note');
  if (!(input.plaintext instanceof Uint8Array)) throw invalid('cannot seal the note: the plaintext is not bytes');
  if (input.plaintext.length > MAX_PLAINTEXT_BYTES) throw new EntenteError('note_too_long', `the note is ${input.plaintext.length} bytes; the limit is ${MAX_PLAINTEXT_BYTES}`);
  if (input.recipients.length === 0) throw invalid('a note needs at least one recipient');
  if (input.recipients.length > MAX_RECIPIENTS) throw invalid(`a note can have at most ${MAX_RECIPIENTS} recipients`);
  for (const r of input.recipients) {
    const ref = SealRecipientRef.safeParse(r);
    if (!ref.success) throw firstIssue(ref.error, 'cannot seal to this recipient');
    // Recipients' keys come from other officers' signed objects: a bad one is bad input, not a bug here.
    if (!(r.prekey instanceof Uint8Array) || r.prekey.length !== DH_PUBLIC_BYTES) throw invalid(`${officerKey(r)}'s prekey is not a ${DH_PUBLIC_BYTES}-byte X25519 key`);
    if (!(r.identityDh instanceof Uint8Array) || r.identityDh.length !== DH_PUBLIC_BYTES) throw invalid(`${officerKey(r)}'s agreement key is not a ${DH_PUBLIC_BYTES}-byte X25519 key`);
  }
  const recipients = [...input.recipients].sort(compareOfficers);
  const twice = duplicateOf(recipients);
  if (twice !== null) throw new EntenteError('envelope_duplicate_recipient', `${officerKey(twice)} is listed more than once`);
  return { fields: fields.data, recipients };
}

function draw(random: (length: number) => Uint8Array, length: number): Uint8Array {
  const bytes = random(length);
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) throw new Error(`random(${length}) returned ${String(bytes?.length)} bytes`);
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Wraps the content key for one recipient; wipes the DH outputs and the wrap key. */
function wrapFor(r: SealRecipient, e: Uint8Array, eph: Uint8Array, contentKey: Uint8Array, noteId: Uint8Array): EnvelopeRecipient {
  const dh1 = dh(e, r.prekey);
  const dh2 = dh(e, r.identityDh);
  let w: Uint8Array | undefined;
  try {
    // An all-zero result means a small-order key: its "shared secret" would be public.
    if (dh1 === null) throw invalid(`${officerKey(r)}'s prekey is not a usable X25519 public key`);
    if (dh2 === null) throw invalid(`${officerKey(r)}'s agreement key is not a usable X25519 public key`);
    w = wrapKey({ dh1, dh2, eph, prekey: r.prekey, identity: r.identityDh, noteId, recipient: r });
    return { agency: r.agency, officerId: r.officerId, prekeyId: r.prekeyId, wrapped: toBase64url(wrapContentKey(contentKey, w, noteId)) };
  } finally {
    wipe(dh1, dh2, w);
  }
}

/** Throws envelope_duplicate_recipient, note_too_long (plaintext > MAX_PLAINTEXT_BYTES),
 *  envelope_too_large, invalid_input (bad key lengths / small-order keys / no recipient). */
export function sealEnvelope(input: SealInput): { bytes: Uint8Array; header: EnvelopeHeader } {
  const { fields, recipients } = checkInput(input);
  const label = normalizeLabel(fields.label);
  const labelCheck = NormalizedLabel.safeParse(label);
  if (!labelCheck.success) throw firstIssue(labelCheck.error, 'cannot seal the note with this label');
  // One draw from the system CSPRNG (each call has a fixed cost); three from a test vector's source.
  const drawn = input.random === undefined ? randomBytes(NOTE_ID_BYTES + CONTENT_KEY_BYTES + DH_SECRET_BYTES) : concat(draw(input.random, NOTE_ID_BYTES), draw(input.random, CONTENT_KEY_BYTES), draw(input.random, DH_SECRET_BYTES));
  const noteId = drawn.slice(0, NOTE_ID_BYTES);
  const contentKey = drawn.subarray(NOTE_ID_BYTES, NOTE_ID_BYTES + CONTENT_KEY_BYTES);
  const e = drawn.subarray(NOTE_ID_BYTES + CONTENT_KEY_BYTES);
  let padded: Uint8Array | undefined;
  try {
    const eph = dhPublicKey(e);
    const header: EnvelopeHeader = {
      v: ENVELOPE_VERSION,
      suite: ENVELOPE_SUITE,
      id: toBase64url(noteId),
      channel: fields.channel,
      kind: fields.kind,
      sender: { agency: fields.sender.agency, officerId: fields.sender.officerId, serial: fields.sender.serial },
      time: fields.time,
      seq: fields.seq,
      label,
      eph: toBase64url(eph),
      commit: toBase64url(keyCommitment(contentKey, noteId)),
      recipients: recipients.map((r) => wrapFor(r, e, eph, contentKey, noteId)),
    };
    padded = pad(input.plaintext, PAD_BLOCK_BYTES);
    const body = padded;
    const bytes = assembleEnvelope(encodeHeader(header), (ad) => aeadEncrypt(body, ad, zeroNonce(), contentKey), input.signSecret);
    return { bytes, header };
  } finally {
    wipe(drawn, padded);
  }
}

/** envelope_signature_invalid unless the sender's Ed25519 key signed these exact bytes. */
export function verifyEnvelopeSignature(env: ParsedEnvelope, senderSignPublic: Uint8Array): void {
  const signedLength = env.bytes.length - SIGNATURE_BYTES;
  if (!verifyDetached(env.signature, signatureMessage(env.bytes, signedLength), senderSignPublic)) {
    throw new EntenteError('envelope_signature_invalid', `the note's signature by ${officerKey(env.header.sender)} does not verify: it was altered or not made by that officer's key`);
  }
}

export interface OpenKeys extends OfficerRef {
  /** Not wiped here: the caller owns it. */
  identityDhSecret: Uint8Array;
  /** The private half of one of the officer's signed prekeys; may throw prekey_deleted (let it through).
   *  The array it returns is not wiped here either: the caller owns it. */
  prekeySecret: (prekeyId: number) => Uint8Array;
}

/** The padded-and-unpadded plaintext. Codes: envelope_not_addressed (no entry for keys.agency/officerId),
 *  envelope_unwrap_failed, envelope_key_commitment_mismatch, envelope_decrypt_failed,
 *  envelope_padding_invalid. Call only after verifyEnvelopeSignature, on an envelope from parseEnvelope. */
export function openEnvelope(env: ParsedEnvelope, keys: OpenKeys): Uint8Array {
  const h = env.header;
  const entry = h.recipients.find((r) => compareOfficers(r, keys) === 0);
  if (entry === undefined) throw new EntenteError('envelope_not_addressed', `the note is not addressed to ${officerKey(keys)}`);
  const noteId = decodeField(h.id);
  const eph = decodeField(h.eph);
  const prekeySecret = keys.prekeySecret(entry.prekeyId);
  // Our own keys: a wrong length is a bug here, not a property of the note.
  if (prekeySecret.length !== DH_SECRET_BYTES || keys.identityDhSecret.length !== DH_SECRET_BYTES) throw new Error(`X25519 secret keys must be ${DH_SECRET_BYTES} bytes`);
  let dh1: Uint8Array | null = null;
  let dh2: Uint8Array | null = null;
  let w: Uint8Array | undefined;
  let contentKey: Uint8Array | null = null;
  let padded: Uint8Array | null = null;
  try {
    dh1 = dh(prekeySecret, eph);
    dh2 = dh(keys.identityDhSecret, eph);
    if (dh1 === null || dh2 === null) throw new EntenteError('envelope_unwrap_failed', 'the note\'s ephemeral key is not a usable X25519 key');
    const recipient = { agency: entry.agency, officerId: entry.officerId };
    w = wrapKey({ dh1, dh2, eph, prekey: ownPublicKey(prekeySecret), identity: ownPublicKey(keys.identityDhSecret), noteId, recipient });
    contentKey = unwrapContentKey(decodeField(entry.wrapped), w, noteId);
    if (contentKey === null) throw new EntenteError('envelope_unwrap_failed', `the note's key does not unwrap with ${officerKey(keys)}'s agreement key and prekey ${entry.prekeyId}`);
    if (!constantTimeEqual(keyCommitment(contentKey, noteId), decodeField(h.commit))) {
      throw new EntenteError('envelope_key_commitment_mismatch', 'the key wrapped for this officer is not the key the sender committed to: recipients would read different notes');
    }
    padded = aeadDecrypt(env.ciphertext, env.headerBytes, zeroNonce(), contentKey);
    if (padded === null) throw new EntenteError('envelope_decrypt_failed', 'the note\'s body does not decrypt under its key and header');
    const plaintext = unpad(padded, PAD_BLOCK_BYTES);
    if (plaintext === null) throw new EntenteError('envelope_padding_invalid', 'the note\'s padding is invalid');
    if (plaintext.length > MAX_PLAINTEXT_BYTES) {
      wipe(plaintext);
      throw new EntenteError('envelope_padding_invalid', `the note is longer than ${MAX_PLAINTEXT_BYTES} bytes, which no sender writes`);
    }
    return plaintext;
  } finally {
    wipe(dh1, dh2, w, contentKey, padded);
  }
}
