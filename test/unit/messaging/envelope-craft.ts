import { canonicalJson } from '../../../shared/labels/canonical-json';
import { assembleEnvelope, parseEnvelope } from '../../../main/crypto/envelope-format';
import { aeadEncrypt, randomBytes } from '../../../main/crypto/sodium';

/**
 * Envelope surgery for the hostile-input tests (test code only): re-frame a sealed envelope with a
 * changed header, keep or replace its body, sign it with any key or keep the original signature.
 */

/** Randomness for sealEnvelope that remembers the content key (its second draw), so a test can re-encrypt. */
export function keyedRandom(): { random: (length: number) => Uint8Array; contentKey: () => Uint8Array } {
  let calls = 0;
  let key: Uint8Array | undefined;
  return {
    random: (length) => {
      const bytes = randomBytes(length);
      calls += 1;
      if (calls === 2) key = Uint8Array.from(bytes);
      return bytes;
    },
    contentKey: () => {
      if (key === undefined) throw new Error('nothing sealed yet');
      return key;
    },
  };
}

/** The parsed header as a mutable plain object. */
// The tests edit the header freely, including into shapes the schema refuses.
export const headerOf = (bytes: Uint8Array): Record<string, unknown> => JSON.parse(JSON.stringify(parseEnvelope(bytes).header)) as Record<string, unknown>;

export interface Reframe {
  /** A header object (encoded as canonical JSON) or exact header text. */
  header: Record<string, unknown> | string;
  /** The body: kept from `from` unless given; a function gets the associated data to encrypt under. */
  body?: Uint8Array | ((ad: Uint8Array) => Uint8Array);
  signSecret: Uint8Array;
}

/** A new envelope from `from`'s body (or another) under a new header, signed by `signSecret`. */
export function reframe(from: Uint8Array, r: Reframe): Uint8Array {
  const text = typeof r.header === 'string' ? r.header : canonicalJson(r.header);
  const body = r.body ?? parseEnvelope(from).ciphertext;
  return assembleEnvelope(new TextEncoder().encode(text), typeof body === 'function' ? body : () => body, r.signSecret);
}

/** `bytes` with its last 64 bytes (the signature) replaced by `signature`: "changed after signing". */
export function withSignature(bytes: Uint8Array, signature: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  out.set(signature, out.length - 64);
  return out;
}

export const signatureOf = (bytes: Uint8Array): Uint8Array => bytes.slice(bytes.length - 64);

/** Re-encrypts a raw (unpadded or badly padded) plaintext under the content key. */
export const encryptRaw = (plaintext: Uint8Array, contentKey: Uint8Array) => (ad: Uint8Array) => aeadEncrypt(plaintext, ad, new Uint8Array(24), contentKey);

export function flip(bytes: Uint8Array, at: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  const i = at < 0 ? out.length + at : at;
  out[i] = (out[i] ?? 0) ^ 0x01;
  return out;
}
