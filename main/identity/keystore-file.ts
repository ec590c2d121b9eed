import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import { AEAD_ALG, AEAD_KEY_BYTES, AEAD_NONCE_BYTES, AEAD_TAG_BYTES, KDF_ALG, KDF_BOUNDS, KDF_SALT_BYTES } from '../crypto/sodium';

/**
 * keystore.json: the profile's only unencrypted file of substance. It holds the database key wrapped
 * under Argon2id(passphrase) with XChaCha20-Poly1305, and the parameters needed to unwrap it — nothing
 * that helps an attacker beyond making offline guessing as slow as the parameters say.
 *
 * Version 1 layout (see docs/TRUST.md):
 *   { format, version: 1,
 *     kdf:  { alg: "argon2id13", opslimit, memlimit, salt },
 *     wrap: { alg: "xchacha20poly1305-ietf", nonce, ciphertext }                  — passphrase only, or
 *     wrap: { alg, nonce, protectedBy, protectedCiphertext }                       — with a second wrap
 *     auditCheckpoint?: { version, data } }                                        — reserved, see below
 *
 * Extension point: `auditCheckpoint` is reserved for the signed audit checkpoint (issue 7), an opaque,
 * self-versioned, base64 blob that main/audit validates and verifies with its own signature. It is
 * deliberately outside the wrap's associated data: checkpoints change far more often than the
 * passphrase, and re-wrapping needs the passphrase. Re-wraps preserve it.
 */
export const KEYSTORE_FORMAT = 'entente-profile-keystore' as const;
export const KEYSTORE_VERSION = 1 as const;
/** A real keystore is under 1 KiB; the bound keeps a huge or endless file from being read into memory. */
export const MAX_KEYSTORE_BYTES = 64 * 1024;
const MAX_CHECKPOINT_BYTES = 32 * 1024;
const MAX_PROTECTED_BYTES = 4 * 1024;
export const WRAPPED_KEY_BYTES = AEAD_KEY_BYTES + AEAD_TAG_BYTES;

/** Canonical padded base64 only, so a field has exactly one spelling (it is bound into associated data). */
const base64 = (opts: { bytes?: number; maxBytes?: number }) =>
  z
    .string()
    .max(Math.ceil((opts.maxBytes ?? opts.bytes ?? 0) / 3) * 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/)
    .refine((s) => Buffer.from(s, 'base64').toString('base64') === s, 'not canonical base64')
    .refine((s) => opts.bytes === undefined || Buffer.from(s, 'base64').length === opts.bytes, `must decode to ${opts.bytes} bytes`);

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const Kdf = z.strictObject({
  alg: z.literal(KDF_ALG),
  opslimit: int(KDF_BOUNDS.opslimit.min, KDF_BOUNDS.opslimit.max),
  memlimit: int(KDF_BOUNDS.memlimit.min, KDF_BOUNDS.memlimit.max),
  salt: base64({ bytes: KDF_SALT_BYTES }),
});

export const ProtectorId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/);

const PlainWrap = z.strictObject({
  alg: z.literal(AEAD_ALG),
  nonce: base64({ bytes: AEAD_NONCE_BYTES }),
  ciphertext: base64({ bytes: WRAPPED_KEY_BYTES }),
});

const ProtectedWrap = z.strictObject({
  alg: z.literal(AEAD_ALG),
  nonce: base64({ bytes: AEAD_NONCE_BYTES }),
  protectedBy: ProtectorId,
  protectedCiphertext: base64({ maxBytes: MAX_PROTECTED_BYTES }).refine((s) => s.length > 0, 'empty'),
});

export const AuditCheckpointSlot = z.strictObject({
  version: int(1, 1_000_000),
  data: base64({ maxBytes: MAX_CHECKPOINT_BYTES }),
});
export type AuditCheckpointSlot = z.infer<typeof AuditCheckpointSlot>;

export const KeystoreFileV1 = z.strictObject({
  format: z.literal(KEYSTORE_FORMAT),
  version: z.literal(KEYSTORE_VERSION),
  kdf: Kdf,
  wrap: z.union([PlainWrap, ProtectedWrap]),
  auditCheckpoint: AuditCheckpointSlot.optional(),
});
export type KeystoreFile = z.infer<typeof KeystoreFileV1>;

/** Just enough to tell "a newer app's keystore" from "a damaged one" before the strict parse. */
const VersionProbe = z.object({ format: z.literal(KEYSTORE_FORMAT), version: z.number().int().positive() });

export function protectorOf(file: KeystoreFile): string | null {
  return 'protectedBy' in file.wrap ? file.wrap.protectedBy : null;
}

/**
 * The associated data of the key wrap: every header field that steers the unwrap. Changing the KDF
 * parameters, salt, nonce, algorithm or protection in the file makes the unwrap fail rather than
 * silently weakening the profile. A JSON array of strings and integers has one serialisation.
 */
export function wrapAssociatedData(file: Pick<KeystoreFile, 'version' | 'kdf'> & { wrap: { alg: string; nonce: string } }, protectedBy: string | null): Uint8Array {
  const fields = ['entente/profile-keystore/wrap', file.version, file.kdf.alg, file.kdf.opslimit, file.kdf.memlimit, file.kdf.salt, file.wrap.alg, file.wrap.nonce, protectedBy ?? ''];
  return new TextEncoder().encode(JSON.stringify(fields));
}

/** Reads and validates keystore.json. Never writes; every failure is a coded error. */
export function readKeystoreFile(path: string): KeystoreFile {
  let bytes: Buffer;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new EntenteError('keystore_corrupt', 'keystore.json is not a regular file.');
    if (st.size > MAX_KEYSTORE_BYTES) throw new EntenteError('keystore_corrupt', 'keystore.json is far larger than a keystore can be; it was not read.');
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof EntenteError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new EntenteError('keystore_missing', 'There is no profile here (keystore.json is missing).');
    throw new EntenteError('keystore_corrupt', 'keystore.json could not be read.', { cause: err });
  }
  return parseKeystore(bytes);
}

export function parseKeystore(bytes: Uint8Array): KeystoreFile {
  if (bytes.length > MAX_KEYSTORE_BYTES) throw new EntenteError('keystore_corrupt', 'keystore.json is far larger than a keystore can be.');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new EntenteError('keystore_corrupt', 'keystore.json is damaged: it is not valid JSON.', { cause: err });
  }
  const probe = VersionProbe.safeParse(json);
  if (probe.success && probe.data.version > KEYSTORE_VERSION) {
    throw new EntenteError('keystore_newer', `keystore.json has format version ${probe.data.version}; this version of Entente reads up to ${KEYSTORE_VERSION}. Update Entente.`);
  }
  const parsed = KeystoreFileV1.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'top level';
    throw new EntenteError('keystore_corrupt', `keystore.json is damaged or not a keystore (problem at ${where}).`);
  }
  return parsed.data;
}

/** Stable, readable serialisation; the field order is fixed by construction. */
export function serialiseKeystore(file: KeystoreFile): string {
  return `${JSON.stringify(KeystoreFileV1.parse(file), null, 2)}\n`;
}
