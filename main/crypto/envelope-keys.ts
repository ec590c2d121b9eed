import { officerKey, type OfficerRef } from './envelope-format';
import { AEAD_NONCE_BYTES, aeadDecrypt, aeadEncrypt, blake2b, dhPublicKey, randomBytes, wipe } from './sodium';

/**
 * The sealed envelope's key schedule (docs/PROTOCOL.md §7.3). Every value here is a secret or derived
 * from one: callers wipe what they receive.
 *
 *   commit = BLAKE2b-256(key = K, "entente/v1/key-commitment" || 0x00 || noteId)
 *   W_r    = BLAKE2b-256("entente/v1/wrap" || 0x00 || dh1 || dh2 || E || P_r || I_r || noteId || "<agency>/<officer>")
 *   wrapped_r = XChaCha20-Poly1305(key = W_r, nonce = 0, ad = noteId, K)
 */

export const NOTE_ID_BYTES = 16;
export const CONTENT_KEY_BYTES = 32;
export const WRAPPED_KEY_BYTES = CONTENT_KEY_BYTES + 16;

const encoder = new TextEncoder();
const COMMIT_CONTEXT = encoder.encode('entente/v1/key-commitment');
const WRAP_CONTEXT = encoder.encode('entente/v1/wrap');

/**
 * The all-zero nonce. Safe because every key it is used with encrypts exactly one message: the content
 * key is random per note, and each wrap key is derived from a fresh ephemeral key and the note id.
 * A new array per call, so that no caller can alter a shared one.
 */
export const zeroNonce = (): Uint8Array => new Uint8Array(AEAD_NONCE_BYTES);

/**
 * Binds the note to one content key. XChaCha20-Poly1305 is not key-committing: a sender could find
 * two keys under which the same body decrypts to different texts and wrap one for each recipient.
 * BLAKE2b keyed with K is collision-resistant in K as well, so only one key matches the signed commit.
 */
export function keyCommitment(contentKey: Uint8Array, noteId: Uint8Array): Uint8Array {
  const message = new Uint8Array(COMMIT_CONTEXT.length + 1 + noteId.length);
  message.set(COMMIT_CONTEXT, 0);
  message.set(noteId, COMMIT_CONTEXT.length + 1);
  return blake2b(message, 32, contentKey);
}

export interface WrapInputs {
  /** X25519(e, P_r) and X25519(e, I_r). */
  dh1: Uint8Array;
  dh2: Uint8Array;
  /** The ephemeral public key E, the recipient's signed prekey P_r and identity agreement key I_r. */
  eph: Uint8Array;
  prekey: Uint8Array;
  identity: Uint8Array;
  noteId: Uint8Array;
  recipient: OfficerRef;
}

/**
 * The bytes hashed into a wrap key. Every field has a fixed length except the last, so the transcript
 * splits one way only. It names the public keys as well as the DH outputs (a wrap key is bound to the
 * keys the sender meant, not only to the shared secrets), the note and the recipient.
 */
export function wrapTranscript(w: WrapInputs): Uint8Array {
  const who = encoder.encode(officerKey(w.recipient));
  const parts = [WRAP_CONTEXT, Uint8Array.of(0), w.dh1, w.dh2, w.eph, w.prekey, w.identity, w.noteId, who];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function wrapKey(w: WrapInputs): Uint8Array {
  const transcript = wrapTranscript(w);
  try {
    return blake2b(transcript, 32);
  } finally {
    wipe(transcript);
  }
}

export const wrapContentKey = (contentKey: Uint8Array, wrapKeyBytes: Uint8Array, noteId: Uint8Array): Uint8Array =>
  aeadEncrypt(contentKey, noteId, zeroNonce(), wrapKeyBytes);

/** The content key, or null when the wrap does not open under this key. */
export const unwrapContentKey = (wrapped: Uint8Array, wrapKeyBytes: Uint8Array, noteId: Uint8Array): Uint8Array | null =>
  aeadDecrypt(wrapped, noteId, zeroNonce(), wrapKeyBytes);

/** How many of the receiver's own public keys ownPublicKey remembers: an identity key and a few prekeys. */
const OWN_PUBLIC_CACHE_SIZE = 32;
const ownPublic = new Map<string, Uint8Array>();
let ownPublicSalt: Uint8Array | null = null;

/**
 * The X25519 public key of one of the receiver's own secrets, which the wrap transcript names but
 * OpenKeys does not carry. Every note received uses the same identity key and one of a few prekeys,
 * so the result is remembered, under a hash of the secret keyed with a random per-process salt (it
 * reveals nothing of the secret, and a stale entry is impossible: another secret hashes elsewhere).
 * A base-point multiplication per key was a fifth of the cost of opening a note.
 */
export function ownPublicKey(secret: Uint8Array): Uint8Array {
  ownPublicSalt ??= randomBytes(32);
  const tag = Buffer.from(blake2b(secret, 16, ownPublicSalt)).toString('hex');
  const known = ownPublic.get(tag);
  if (known !== undefined) return known.slice();
  const publicKey = dhPublicKey(secret);
  if (ownPublic.size >= OWN_PUBLIC_CACHE_SIZE) ownPublic.delete(ownPublic.keys().next().value as string);
  ownPublic.set(tag, publicKey.slice());
  return publicKey;
}
