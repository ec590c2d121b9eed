import { SIGNATURE_BYTES, ed25519BaseMul, ed25519Scalar, randomBytes, sha512, verifyDetached, wipe } from './sodium';

/**
 * XEdDSA (Signal, "The XEdDSA and VXEdDSA Signature Schemes", revision 1, 2016, §2.3 and §5):
 * a signature made with an X25519 private key that any Ed25519 verifier checks against the Edwards
 * form of the X25519 public key.
 *
 * Entente uses it for one thing: proof of possession of an officer's X25519 agreement key in the
 * enrolment request. Without it an officer could enrol someone else's X25519 public key (a copied
 * one), and messages wrapped to it would be readable by that other person. A signature made with the
 * key itself, over the request, shows its holder made the request. Reusing the key for signatures
 * is safe in this construction (Signal's analysis); Entente only ever signs its own
 * domain-separated canonical bytes with it.
 */

const P = 2n ** 255n - 19n;
const HASH1_PREFIX = (() => {
  // hash_1 of the specification: 2^256 - 1 - 1 as 32 little-endian bytes (0xFE, then 31 × 0xFF).
  const b = new Uint8Array(32).fill(0xff);
  b[0] = 0xfe;
  return b;
})();

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
};

const leToBigInt = (b: Uint8Array): bigint => {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i] as number);
  return n;
};

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

/**
 * The Edwards point (sign bit 0) birationally equivalent to the Montgomery u-coordinate:
 * y = (u − 1) / (u + 1) mod p. Null for u ≥ p (non-canonical, top bit included) and u = −1 (no image).
 */
export function montgomeryToEdwards(u: Uint8Array): Uint8Array | null {
  if (u.length !== 32) return null;
  // RFC 7748 has X25519 ignore the top bit; here it must be clear, so that one key has one spelling.
  const x = leToBigInt(u);
  if (x >= P || (x + 1n) % P === 0n) return null;
  let y = (((x - 1n + P) % P) * modPow(x + 1n, P - 2n, P)) % P;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(y & 0xffn);
    y >>= 8n;
  }
  return out;
}

/**
 * Signs `message` with an X25519 secret key. `random` is the 64 bytes Z of the specification; it is
 * drawn fresh unless given (test vectors give it to make signatures reproducible).
 */
export function xeddsaSign(x25519Secret: Uint8Array, message: Uint8Array, random: Uint8Array = randomBytes(64)): Uint8Array {
  if (x25519Secret.length !== 32) throw new Error('X25519 secret key must be 32 bytes');
  if (random.length !== 64) throw new Error('XEdDSA randomness must be 64 bytes');
  const k = Uint8Array.from(x25519Secret);
  k[0] = (k[0] as number) & 248;
  k[31] = ((k[31] as number) & 127) | 64;
  const wide = concat(k, new Uint8Array(32));
  const k0 = ed25519Scalar.reduce(wide);
  const E = ed25519BaseMul(k0);
  const negative = ((E[31] as number) & 0x80) !== 0;
  const A = Uint8Array.from(E);
  A[31] = (A[31] as number) & 0x7f;
  const a = negative ? ed25519Scalar.negate(k0) : Uint8Array.from(k0);
  let r: Uint8Array | null = null;
  let nonceInput: Uint8Array | null = null;
  try {
    nonceInput = concat(HASH1_PREFIX, a, message, random);
    r = ed25519Scalar.reduce(sha512(nonceInput));
    const R = ed25519BaseMul(r);
    const h = ed25519Scalar.reduce(sha512(concat(R, A, message)));
    const s = ed25519Scalar.add(r, ed25519Scalar.mul(h, a));
    return concat(R, s);
  } finally {
    wipe(k, wide, k0, a, r, nonceInput);
  }
}

/** Whether `signature` is an XEdDSA signature of `message` by the holder of `x25519Public`. */
export function xeddsaVerify(signature: Uint8Array, message: Uint8Array, x25519Public: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES) return false;
  const A = montgomeryToEdwards(x25519Public);
  return A !== null && verifyDetached(signature, message, A);
}
