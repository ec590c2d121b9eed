import { z } from 'zod';

/**
 * Binary fields of signed objects are base64url without padding (RFC 4648 §5). Only the canonical
 * spelling is accepted: the unused low bits of the last character must be zero, so that a field has
 * exactly one text form and a signed object exactly one byte form.
 */
export function toBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64url');
}

/** The bytes of a canonical base64url string, or null for anything else. */
export function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const bytes = new Uint8Array(Buffer.from(text, 'base64url'));
  return toBase64url(bytes) === text ? bytes : null;
}

/** Decodes a field already checked by `base64urlBytes`; throws only on a programming error. */
export function decodeField(text: string): Uint8Array {
  const bytes = fromBase64url(text);
  if (bytes === null) throw new Error('field is not canonical base64url (schema not applied?)');
  return bytes;
}

/** A zod schema for a base64url field that decodes to exactly `length` bytes. */
export const base64urlBytes = (length: number) =>
  z
    .string()
    .length(Math.ceil((length * 4) / 3))
    .refine((s) => fromBase64url(s)?.length === length, `must be canonical base64url of ${length} bytes`);
