import sodium from 'libsodium-wrappers-sumo';
import { randomFillSync } from 'node:crypto';

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

/**
 * `length` bytes from the operating system's CSPRNG through Node's crypto — the very source libsodium's
 * WebAssembly build draws from, but in one call: libsodium fetches it four bytes per JavaScript call,
 * which made a note's 80 random bytes cost more than its X25519 operations.
 */
export function randomBytes(length: number): Uint8Array {
  lib();
  const out = new Uint8Array(length);
  randomFillSync(out);
  return out;
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

// ---------------------------------------------------------------------------------------------------
// Ed25519 signatures (identity keys, agency roots). Only the detached form: signed objects keep the
// signature beside the canonical bytes, never wrapped around them.

export const SIGN_PUBLIC_BYTES = 32;
export const SIGN_SECRET_BYTES = 64; // libsodium's seed || public key
export const SIGN_SEED_BYTES = 32;
export const SIGNATURE_BYTES = 64;

export interface KeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

/** A fresh Ed25519 key pair, or the one a 32-byte seed determines (test vectors, never production). */
export function signKeyPair(seed?: Uint8Array): KeyPair {
  const s = lib();
  const kp = seed === undefined ? s.crypto_sign_keypair() : s.crypto_sign_seed_keypair(seed);
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

export function signDetached(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  if (secretKey.length !== SIGN_SECRET_BYTES) throw new Error(`Ed25519 secret key must be ${SIGN_SECRET_BYTES} bytes`);
  return lib().crypto_sign_detached(message, secretKey);
}

/** False for a bad signature and for a malformed key or signature alike: callers only need "valid". */
export function verifyDetached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES || publicKey.length !== SIGN_PUBLIC_BYTES) return false;
  // Outside the try: using libsodium before it is ready is a program error, never a "bad signature".
  const s = lib();
  try {
    return s.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    // libsodium throws on some invalid public keys (small order, non-canonical) instead of returning false.
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// X25519 key agreement (identity agreement keys, prekeys, ephemeral keys).

export const DH_PUBLIC_BYTES = 32;
export const DH_SECRET_BYTES = 32;

/** A fresh X25519 key pair, or the one a 32-byte secret determines (test vectors). */
export function dhKeyPair(secret?: Uint8Array): KeyPair {
  const s = lib();
  const secretKey = secret === undefined ? randomBytes(DH_SECRET_BYTES) : Uint8Array.from(secret);
  if (secretKey.length !== DH_SECRET_BYTES) throw new Error(`X25519 secret key must be ${DH_SECRET_BYTES} bytes`);
  return { publicKey: s.crypto_scalarmult_base(secretKey), secretKey };
}

/**
 * X25519(secret, public). Null when the result is all zeros (a small-order public key): such a
 * "shared secret" is known to everyone, and libsodium signals it by throwing.
 */
export function dh(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array | null {
  if (secretKey.length !== DH_SECRET_BYTES || publicKey.length !== DH_PUBLIC_BYTES) return null;
  const s = lib();
  try {
    return s.crypto_scalarmult(secretKey, publicKey);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------
// BLAKE2b (fingerprints, safety numbers, key derivation from DH outputs).

export const HASH_BYTES = 32;

/** BLAKE2b-`length` (16..64 bytes), keyed when `key` is given. */
export function blake2b(data: Uint8Array, length: number = HASH_BYTES, key?: Uint8Array): Uint8Array {
  return lib().crypto_generichash(length, data, key ?? null);
}

// ---------------------------------------------------------------------------------------------------
// Primitives for main/crypto's own constructions (xeddsa.ts). Not for use outside main/crypto: they are
// raw group operations that are easy to misuse.

export function sha512(data: Uint8Array): Uint8Array {
  return lib().crypto_hash_sha512(data);
}

/** Scalar arithmetic modulo the Ed25519 group order L. `reduce` takes 64 bytes. */
export const ed25519Scalar = {
  reduce: (wide: Uint8Array): Uint8Array => lib().crypto_core_ed25519_scalar_reduce(wide),
  add: (a: Uint8Array, b: Uint8Array): Uint8Array => lib().crypto_core_ed25519_scalar_add(a, b),
  mul: (a: Uint8Array, b: Uint8Array): Uint8Array => lib().crypto_core_ed25519_scalar_mul(a, b),
  negate: (a: Uint8Array): Uint8Array => lib().crypto_core_ed25519_scalar_negate(a),
};

/** scalar · B on Ed25519, without clamping (throws for a zero scalar). */
export function ed25519BaseMul(scalar: Uint8Array): Uint8Array {
  return lib().crypto_scalarmult_ed25519_base_noclamp(scalar);
}

/** X25519 public key of a secret key (scalar · base point), without copying the secret as dhKeyPair does. */
export function dhPublicKey(secretKey: Uint8Array): Uint8Array {
  if (secretKey.length !== DH_SECRET_BYTES) throw new Error(`X25519 secret key must be ${DH_SECRET_BYTES} bytes`);
  return lib().crypto_scalarmult_base(secretKey);
}

// ---------------------------------------------------------------------------------------------------
// Padding (ISO/IEC 7816-4 as libsodium's sodium_pad writes it: 0x80, then zeros up to a whole number of
// blocks, at least one byte). Sealed notes pad to blocks so that their length says little about the text.

/** `data` padded to the next multiple of `blockSize` (a whole block more when it is already a multiple). */
export function pad(data: Uint8Array, blockSize: number): Uint8Array {
  return lib().pad(data, blockSize);
}

/**
 * The data before the padding, as a new array; null unless `padded` ends in valid padding of at most one
 * block (so one plaintext has exactly one padded form). The padded input is left untouched.
 */
export function unpad(padded: Uint8Array, blockSize: number): Uint8Array | null {
  const s = lib();
  if (padded.length === 0 || padded.length % blockSize !== 0) return null;
  let view: Uint8Array;
  try {
    view = s.unpad(padded, blockSize);
  } catch {
    // libsodium throws "unsupported/invalid padding"; the caller only needs "not padded".
    return null;
  }
  // libsodium returns a view of its own copy of the whole padded buffer: hand back a tight copy and
  // wipe the plaintext out of the wider one (what remains there is padding, no secret).
  const out = view.slice();
  wipe(view);
  return out;
}
