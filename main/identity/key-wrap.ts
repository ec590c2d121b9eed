import { EntenteError } from '../../shared/errors';
import { AEAD_ALG, AEAD_NONCE_BYTES, KDF_ALG, KDF_SALT_BYTES, aeadDecrypt, aeadEncrypt, deriveKey, randomBytes, wipe, type KdfParams } from '../crypto/sodium';
import type { DeriveKey } from '../crypto/kdf-worker-client';
import type { KeyProtector } from './key-protector';
import { ProtectorId, WRAPPED_KEY_BYTES, protectorOf, wrapAssociatedData, type AuditCheckpointSlot, type KeystoreFile } from './keystore-file';
import { KEYSTORE_FORMAT, KEYSTORE_VERSION } from './keystore-file';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
const unb64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

/** Wraps `dbKey` under a fresh salt and nonce; the caller keeps and wipes `dbKey` and `passphrase`. */
export async function wrapKey(
  dbKey: Uint8Array,
  passphrase: Uint8Array,
  params: KdfParams,
  protector: KeyProtector | null,
  auditCheckpoint?: AuditCheckpointSlot,
  derive: DeriveKey = deriveKey,
): Promise<KeystoreFile> {
  if (protector !== null && !ProtectorId.safeParse(protector.id).success) throw new Error(`invalid key protector id: ${protector.id}`);
  const salt = randomBytes(KDF_SALT_BYTES);
  const nonce = randomBytes(AEAD_NONCE_BYTES);
  const kdf = { alg: KDF_ALG, opslimit: params.opslimit, memlimit: params.memlimit, salt: b64(salt) };
  const header = { version: KEYSTORE_VERSION, kdf, wrap: { alg: AEAD_ALG, nonce: b64(nonce) } };
  const kek = await derive(passphrase, salt, params);
  let inner: Uint8Array | null = null;
  try {
    inner = aeadEncrypt(dbKey, wrapAssociatedData(header, protector?.id ?? null), nonce, kek);
    const wrap = protector === null
      ? { ...header.wrap, ciphertext: b64(inner) }
      : { ...header.wrap, protectedBy: protector.id, protectedCiphertext: b64(await protector.protect(inner)) };
    return { format: KEYSTORE_FORMAT, version: KEYSTORE_VERSION, kdf, wrap, ...(auditCheckpoint ? { auditCheckpoint } : {}) };
  } finally {
    wipe(kek, inner);
  }
}

export type UnwrapResult = { ok: true; key: Uint8Array; kdfMs: number } | { ok: false; kdfMs: number };

/**
 * Opens the wrap. `{ok: false}` means the passphrase did not open it — indistinguishable, by design of
 * the AEAD, from an altered header or ciphertext. A second wrap that will not open throws instead,
 * before the (slow) KDF runs and without counting as a passphrase guess.
 */
export async function unwrapKey(
  file: KeystoreFile,
  passphrase: Uint8Array,
  protector: KeyProtector | undefined,
  now: () => number = performance.now.bind(performance),
  derive: DeriveKey = deriveKey,
): Promise<UnwrapResult> {
  const protectedBy = protectorOf(file);
  let inner: Uint8Array;
  if ('protectedBy' in file.wrap) {
    if (protector === undefined || protector.id !== file.wrap.protectedBy) {
      throw new EntenteError('keystore_protector_unavailable', `This profile's key is also protected by "${file.wrap.protectedBy}", which is not available here.`);
    }
    const opened = await openProtected(protector, unb64(file.wrap.protectedCiphertext));
    if (opened === null || opened.length !== WRAPPED_KEY_BYTES) {
      wipe(opened);
      throw new EntenteError('keystore_protector_failed', "This computer's key store could not open the profile key: the profile was moved to another account or machine, or keystore.json was altered.");
    }
    inner = opened;
  } else {
    inner = unb64(file.wrap.ciphertext);
  }
  const t0 = now();
  const kek = await derive(passphrase, unb64(file.kdf.salt), file.kdf);
  const kdfMs = now() - t0;
  try {
    const key = aeadDecrypt(inner, wrapAssociatedData(file, protectedBy), unb64(file.wrap.nonce), kek);
    return key === null ? { ok: false, kdfMs } : { ok: true, key, kdfMs };
  } finally {
    wipe(kek, inner);
  }
}

async function openProtected(protector: KeyProtector, blob: Uint8Array): Promise<Uint8Array | null> {
  try {
    return await protector.unprotect(blob);
  } catch {
    // An implementation that throws on a bad blob means the same as one that returns null.
    return null;
  }
}
