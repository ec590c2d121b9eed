import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import { canonicalJson, canonicalJsonBytes, utf8 } from '../../shared/labels/canonical-json';
import { signDetached, verifyDetached } from '../crypto/sodium';
import { xeddsaSign, xeddsaVerify } from '../crypto/xeddsa';
import { decodeField, toBase64url } from './base64url';
import { Signature } from './fields';

/**
 * The one encoding of every signed object (docs/PROTOCOL.md §1).
 *
 * A signed object is the canonical JSON (shared/labels/canonical-json.ts) of
 *     {"body": {…}, "sigs": {"<slot>": "<base64url signature>", …}, "type": "<type>", "v": 1}
 * followed by one line feed. Each signature covers
 *     UTF-8("entente/v1/<type>") || 0x00 || canonical JSON of the body
 * so a signature made for one type of object can never be replayed as another (domain separation),
 * and the version is part of what is signed. Readers accept only the exact bytes a writer produces
 * (with or without the final line feed): an object has one byte form, so "is this the object I
 * verified?" is a byte comparison, and any change to a stored object, even in layout, is detected.
 */

export const SIGNED_VERSION = 1 as const;
export const SIGNED_PREFIX = 'entente/v1/' as const;

/** Ed25519, or XEdDSA made with an X25519 key (main/crypto/xeddsa.ts) and checked as Ed25519. */
export type SignatureAlg = 'ed25519' | 'xeddsa25519';

export interface SignedType<B> {
  /** "agency-card", "credential", …: the `type` field and the end of the context string. */
  readonly type: string;
  readonly body: z.ZodType<B>;
  /** The signatures the object may carry, by slot name, and how each is made. */
  readonly slots: Readonly<Record<string, SignatureAlg>>;
  /** Files larger than this are refused before parsing. */
  readonly maxBytes: number;
}

export interface Signed<B> {
  v: typeof SIGNED_VERSION;
  type: string;
  body: B;
  sigs: Record<string, string>;
}

export function defineSignedType<B>(spec: SignedType<B>): SignedType<B> {
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(spec.type)) throw new Error(`bad signed object type name: ${spec.type}`);
  return spec;
}

/** The context string of a type, e.g. "entente/v1/agency-card". */
export const contextOf = (spec: SignedType<unknown>): string => `${SIGNED_PREFIX}${spec.type}`;

/** The exact bytes every signature of an object covers. */
export function signedBytes<B>(spec: SignedType<B>, body: B): Uint8Array {
  const context = utf8(contextOf(spec));
  const content = canonicalJsonBytes(body);
  const out = new Uint8Array(context.length + 1 + content.length);
  out.set(context, 0);
  out.set(content, context.length + 1);
  return out;
}

function checkBody<B>(spec: SignedType<B>, body: B): B {
  const parsed = spec.body.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EntenteError('invalid_input', `not a valid ${spec.type}: ${issue?.path.join('.') || 'body'} ${issue?.message ?? ''}`.trim());
  }
  // The signed bytes are those of the parsed body; refuse a caller's object that would encode differently.
  if (canonicalJson(parsed.data) !== canonicalJson(body)) throw new EntenteError('invalid_input', `${spec.type} body has fields its schema drops`);
  return parsed.data;
}

function slotAlg(spec: SignedType<unknown>, slot: string): SignatureAlg {
  const alg = spec.slots[slot];
  if (alg === undefined) throw new Error(`${spec.type} has no signature slot "${slot}"`);
  return alg;
}

/**
 * Signs `body` in `slot` with a secret key (Ed25519 64-byte secret, or the X25519 secret for an
 * xeddsa25519 slot). `xeddsaRandom` only for test vectors.
 */
function makeSignature(spec: SignedType<unknown>, message: Uint8Array, slot: string, secretKey: Uint8Array, xeddsaRandom?: Uint8Array): string {
  const sig = slotAlg(spec, slot) === 'ed25519' ? signDetached(message, secretKey) : xeddsaSign(secretKey, message, xeddsaRandom);
  return toBase64url(sig);
}

export function createSigned<B>(spec: SignedType<B>, body: B, slot: string, secretKey: Uint8Array, xeddsaRandom?: Uint8Array): Signed<B> {
  const checked = checkBody(spec, body);
  return { v: SIGNED_VERSION, type: spec.type, body: checked, sigs: { [slot]: makeSignature(spec, signedBytes(spec, checked), slot, secretKey, xeddsaRandom) } };
}

/** A copy of `obj` with one more signature over the same body (countersigning, second proofs). */
export function addSignature<B>(spec: SignedType<B>, obj: Signed<B>, slot: string, secretKey: Uint8Array, xeddsaRandom?: Uint8Array): Signed<B> {
  if (obj.type !== spec.type) throw new EntenteError('signed_wrong_type', `expected a ${spec.type}, got a ${obj.type}`);
  if (obj.sigs[slot] !== undefined) throw new EntenteError('invalid_input', `the ${spec.type} is already signed in slot "${slot}"`);
  const signature = makeSignature(spec, signedBytes(spec, obj.body), slot, secretKey, xeddsaRandom);
  return { ...obj, sigs: { ...obj.sigs, [slot]: signature } };
}

/** Whether `slot` holds a valid signature by `publicKey` (Ed25519 key, or X25519 key for xeddsa25519). */
export function hasValidSignature<B>(spec: SignedType<B>, obj: Signed<B>, slot: string, publicKey: Uint8Array): boolean {
  const alg = slotAlg(spec, slot);
  const text = obj.sigs[slot];
  if (obj.type !== spec.type || text === undefined || !Signature.safeParse(text).success) return false;
  const message = signedBytes(spec, obj.body);
  const sig = decodeField(text);
  return alg === 'ed25519' ? verifyDetached(sig, message, publicKey) : xeddsaVerify(sig, message, publicKey);
}

/** Throws `signature_invalid` naming the object and the signer unless the signature is valid. */
export function requireValidSignature<B>(spec: SignedType<B>, obj: Signed<B>, slot: string, publicKey: Uint8Array, signer: string): void {
  if (obj.sigs[slot] === undefined) throw new EntenteError('signature_invalid', `the ${spec.type} carries no signature by ${signer}`);
  if (!hasValidSignature(spec, obj, slot, publicKey)) throw new EntenteError('signature_invalid', `the ${spec.type}'s signature by ${signer} does not verify: it was altered or not made by that key`);
}

/** The file form: canonical JSON and a line feed. */
export function encodeSigned<B>(obj: Signed<B>): string {
  return `${canonicalJson(obj)}\n`;
}

const Envelope = z.strictObject({
  v: z.number(),
  type: z.string().max(64),
  body: z.unknown(),
  sigs: z.record(z.string().max(64), z.unknown()),
});

function parseJson(bytes: Uint8Array, what: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return JSON.parse(text) as unknown;
  } catch {
    throw new EntenteError('signed_malformed', `${what} is not JSON text`);
  }
}

/** The `type` a file claims, without checking anything else (to route `profile import`); null if none. */
export function peekSignedType(bytes: Uint8Array): string | null {
  if (bytes.length > 16 * 1024 * 1024 || bytes[0] !== 0x7b) return null;
  try {
    const env = Envelope.safeParse(parseJson(bytes, 'the file'));
    return env.success ? env.data.type : null;
  } catch {
    return null;
  }
}

/**
 * Reads a signed object of type `spec` from its file bytes. Checks encoding, version, type, schema and
 * signature slots — not the signatures themselves, which need keys the caller chooses.
 */
export function decodeSigned<B>(spec: SignedType<B>, bytes: Uint8Array): Signed<B> {
  const what = `the ${spec.type}`;
  if (bytes.length > spec.maxBytes) throw new EntenteError('signed_malformed', `${what} is larger than ${spec.maxBytes} bytes`);
  const env = Envelope.safeParse(parseJson(bytes, what));
  if (!env.success) throw new EntenteError('signed_malformed', `${what} is not an Entente signed object`);
  const { v, type, body, sigs } = env.data;
  if (v !== SIGNED_VERSION) throw new EntenteError('signed_version_unsupported', `${what} has format version ${String(v)}; this Entente reads version ${SIGNED_VERSION}`);
  if (type !== spec.type) throw new EntenteError('signed_wrong_type', `expected a ${spec.type}, got a ${type}`);
  const parsedBody = spec.body.safeParse(body);
  if (!parsedBody.success) {
    const issue = parsedBody.error.issues[0];
    throw new EntenteError('signed_malformed', `${what} is invalid at ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  const slots = Object.keys(sigs);
  if (slots.length === 0) throw new EntenteError('signed_malformed', `${what} carries no signature`);
  for (const slot of slots) {
    if (spec.slots[slot] === undefined) throw new EntenteError('signed_malformed', `${what} has an unknown signature slot "${slot}"`);
    if (!Signature.safeParse(sigs[slot]).success) throw new EntenteError('signed_malformed', `${what}'s signature "${slot}" is not a base64url Ed25519 signature`);
  }
  const obj: Signed<B> = { v: SIGNED_VERSION, type, body: parsedBody.data, sigs: sigs as Record<string, string> };
  const canonical = encodeSigned(obj);
  const text = new TextDecoder().decode(bytes);
  if (text !== canonical && `${text}\n` !== canonical) throw new EntenteError('signed_malformed', `${what} is not in canonical form (was it edited or re-formatted?)`);
  return obj;
}
