import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import { canonicalJsonBytes } from '../../shared/labels/canonical-json';
import {
  AEAD_ALG,
  AEAD_NONCE_BYTES,
  AEAD_TAG_BYTES,
  KDF_ALG,
  KDF_BOUNDS,
  KDF_SALT_BYTES,
  SIGN_SEED_BYTES,
  aeadDecrypt,
  aeadEncrypt,
  constantTimeEqual,
  deriveKey,
  randomBytes,
  signKeyPair,
  wipe,
  type KdfParams,
  type KeyPair,
} from '../crypto/sodium';
import { base64urlBytes, decodeField, toBase64url } from './base64url';
import { AgencyId } from './fields';

/**
 * root-key.json in the agency folder: the agency's Ed25519 root key, encrypted at rest under the
 * agency passphrase exactly as the profile keystore wraps its database key (Argon2id, then
 * XChaCha20-Poly1305). What is encrypted is the 32-byte seed; the public key is stored beside it
 * and re-derived on unlock, so a file whose public key was swapped does not open.
 *
 * The associated data is the canonical JSON of every other field, so changing the KDF cost, salt,
 * nonce, agency id or public key in the file makes the unwrap fail instead of weakening it.
 */
export const ROOT_KEY_FORMAT = 'entente-agency-root-key' as const;
const MAX_FILE_BYTES = 16 * 1024;

const RootKeyFile = z.strictObject({
  format: z.literal(ROOT_KEY_FORMAT),
  version: z.literal(1),
  agency: AgencyId,
  publicKey: base64urlBytes(32),
  kdf: z.strictObject({
    alg: z.literal(KDF_ALG),
    opslimit: z.number().int().min(KDF_BOUNDS.opslimit.min).max(KDF_BOUNDS.opslimit.max),
    memlimit: z.number().int().min(KDF_BOUNDS.memlimit.min).max(KDF_BOUNDS.memlimit.max),
    salt: base64urlBytes(KDF_SALT_BYTES),
  }),
  wrap: z.strictObject({
    alg: z.literal(AEAD_ALG),
    nonce: base64urlBytes(AEAD_NONCE_BYTES),
    ciphertext: base64urlBytes(SIGN_SEED_BYTES + AEAD_TAG_BYTES),
  }),
});
export type RootKeyFile = z.infer<typeof RootKeyFile>;

function associatedData(file: RootKeyFile): Uint8Array {
  const { ciphertext: _ciphertext, ...wrap } = file.wrap;
  return canonicalJsonBytes({ ...file, wrap });
}

/** A new root key for `agency`, and its file. The caller wipes `keys.secretKey`. */
export async function createRootKey(agency: string, passphrase: Uint8Array, params: KdfParams): Promise<{ keys: KeyPair; file: RootKeyFile }> {
  const seed = randomBytes(SIGN_SEED_BYTES);
  const salt = randomBytes(KDF_SALT_BYTES);
  let kek: Uint8Array | null = null;
  try {
    const keys = signKeyPair(seed);
    const header: RootKeyFile = {
      format: ROOT_KEY_FORMAT,
      version: 1,
      agency,
      publicKey: toBase64url(keys.publicKey),
      kdf: { alg: KDF_ALG, opslimit: params.opslimit, memlimit: params.memlimit, salt: toBase64url(salt) },
      wrap: { alg: AEAD_ALG, nonce: toBase64url(randomBytes(AEAD_NONCE_BYTES)), ciphertext: '' },
    };
    kek = await deriveKey(passphrase, salt, params);
    const ciphertext = aeadEncrypt(seed, associatedData(header), decodeField(header.wrap.nonce), kek);
    return { keys, file: { ...header, wrap: { ...header.wrap, ciphertext: toBase64url(ciphertext) } } };
  } finally {
    wipe(seed, kek);
  }
}

/** The root key pair, or `passphrase_wrong` (which a tampered file also gives: AEAD cannot tell them apart). */
export async function openRootKey(file: RootKeyFile, passphrase: Uint8Array): Promise<KeyPair> {
  const kek = await deriveKey(passphrase, decodeField(file.kdf.salt), file.kdf);
  let seed: Uint8Array | null = null;
  try {
    seed = aeadDecrypt(decodeField(file.wrap.ciphertext), associatedData(file), decodeField(file.wrap.nonce), kek);
    if (seed === null) throw new EntenteError('passphrase_wrong', 'The agency passphrase is wrong, or root-key.json was altered.');
    const keys = signKeyPair(seed);
    if (!constantTimeEqual(keys.publicKey, decodeField(file.publicKey))) {
      wipe(keys.secretKey);
      throw new EntenteError('agency_key_corrupt', "root-key.json holds a key that does not match its public key; restore it from the agency's backup.");
    }
    return keys;
  } finally {
    wipe(kek, seed);
  }
}

export function serialiseRootKey(file: RootKeyFile): string {
  return `${JSON.stringify(RootKeyFile.parse(file), null, 2)}\n`;
}

export function parseRootKey(bytes: Uint8Array): RootKeyFile {
  if (bytes.length > MAX_FILE_BYTES) throw new EntenteError('agency_key_corrupt', 'root-key.json is far larger than a key file can be.');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new EntenteError('agency_key_corrupt', 'root-key.json is damaged: it is not JSON.');
  }
  const parsed = RootKeyFile.safeParse(json);
  if (!parsed.success) throw new EntenteError('agency_key_corrupt', `root-key.json is damaged or not a root key file (problem at ${parsed.error.issues[0]?.path.join('.') || 'top level'}).`);
  return parsed.data;
}
