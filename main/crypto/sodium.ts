import sodium from 'libsodium-wrappers-sumo';

/**
 * The one door to libsodium. Callers get fixed algorithms (Argon2id, XChaCha20-Poly1305 IETF) and
 * cannot pick weaker ones by passing a constant; each later need adds a function here rather than
 * importing libsodium directly, so the algorithm inventory stays in one file.
 *
 * libsodium-wrappers works on its own WebAssembly heap: inputs are copied in and freed without being
 * zeroed, so wiping our Uint8Arrays with `wipe` limits, but cannot eliminate, copies of secrets in memory.
 */

let readyPromise: Promise<void> | null = null;
let isReady = false;

/** Await once before any other call; cheap to await again. */
export function sodiumReady(): Promise<void> {
  readyPromise ??= sodium.ready.then(() => {
    isReady = true;
  });
  return readyPromise;
}

function lib(): typeof sodium {
  // A synchronous call before readiness would hit an uninitialised WebAssembly module and fail obscurely.
  if (!isReady) throw new Error('libsodium used before sodiumReady() resolved');
  return sodium;
}

// ---------------------------------------------------------------------------------------------------
// Argon2id

export const KDF_ALG = 'argon2id13' as const;
export const KDF_SALT_BYTES = 16; // crypto_pwhash_SALTBYTES; a constant so schemas can use it before ready

export interface KdfParams {
  /** Argon2 passes over memory. */
  opslimit: number;
  /** Memory in bytes. */
  memlimit: number;
}

/** libsodium's named sets (values of crypto_pwhash_{OPS,MEM}LIMIT_* for Argon2id), fixed so files stay stable. */
export const KDF_PARAMS = {
  INTERACTIVE: { opslimit: 2, memlimit: 64 * 1024 * 1024 },
  MODERATE: { opslimit: 3, memlimit: 256 * 1024 * 1024 },
  SENSITIVE: { opslimit: 4, memlimit: 1024 * 1024 * 1024 },
} as const satisfies Record<string, KdfParams>;
export type KdfParamSet = keyof typeof KDF_PARAMS;

/**
 * Bounds accepted from a file: below INTERACTIVE is too weak to protect a profile; above these the
 * derivation could exhaust memory or stall for minutes, which a crafted file must not be able to force.
 */
export const KDF_BOUNDS = {
  opslimit: { min: KDF_PARAMS.INTERACTIVE.opslimit, max: 16 },
  memlimit: { min: KDF_PARAMS.INTERACTIVE.memlimit, max: KDF_PARAMS.SENSITIVE.memlimit },
} as const;

/**
 * Argon2id(passphrase, salt) → `length` bytes. Async on purpose although libsodium is synchronous:
 * the derivation blocks for ~1 s at MODERATE, and moving it into a worker thread later must not change
 * the callers.
 */
export async function deriveKey(passphrase: Uint8Array, salt: Uint8Array, params: KdfParams, length = 32): Promise<Uint8Array> {
  const s = lib();
  if (salt.length !== s.crypto_pwhash_SALTBYTES) throw new Error(`salt must be ${s.crypto_pwhash_SALTBYTES} bytes`);
  return s.crypto_pwhash(length, passphrase, salt, params.opslimit, params.memlimit, s.crypto_pwhash_ALG_ARGON2ID13);
}

// ---------------------------------------------------------------------------------------------------
// XChaCha20-Poly1305 IETF: 24-byte random nonces are safe to draw at random for every message.

export const AEAD_ALG = 'xchacha20poly1305-ietf' as const;
export const AEAD_KEY_BYTES = 32;
export const AEAD_NONCE_BYTES = 24;
export const AEAD_TAG_BYTES = 16;

export function aeadEncrypt(plaintext: Uint8Array, ad: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
  return lib().crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key);
}

/** The plaintext, or null when the ciphertext, nonce, key or associated data do not match. */
export function aeadDecrypt(ciphertext: Uint8Array, ad: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | null {
  const s = lib();
  if (ciphertext.length < AEAD_TAG_BYTES) return null;
  try {
    return s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, key);
  } catch {
    // libsodium signals authentication failure by throwing; any other cause is equally "not decryptable".
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------
// Utilities

export function randomBytes(length: number): Uint8Array {
  return lib().randombytes_buf(length);
}

/** Overwrites the bytes with zeros (libsodium's sodium_memzero, which the optimiser may not elide). */
export function wipe(...buffers: (Uint8Array | null | undefined)[]): void {
  const s = lib();
  for (const b of buffers) if (b && b.length > 0) s.memzero(b);
}

/** Constant-time equality for equal lengths; different lengths are unequal (length is not secret here). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return lib().memcmp(a, b);
}
