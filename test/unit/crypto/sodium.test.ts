import { beforeAll, describe, expect, it } from 'vitest';
import sodium from 'libsodium-wrappers-sumo';
import {
  KDF_PARAMS,
  KDF_SALT_BYTES,
  aeadDecrypt,
  aeadEncrypt,
  constantTimeEqual,
  deriveKey,
  randomBytes,
  sodiumReady,
  wipe,
} from '../../../main/crypto/sodium';

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('sodium facade', () => {
  beforeAll(() => sodiumReady());

  it('names the same Argon2id parameter sets as libsodium', async () => {
    await sodium.ready;
    expect(KDF_PARAMS.INTERACTIVE).toEqual({ opslimit: sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE, memlimit: sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE });
    expect(KDF_PARAMS.MODERATE).toEqual({ opslimit: sodium.crypto_pwhash_OPSLIMIT_MODERATE, memlimit: sodium.crypto_pwhash_MEMLIMIT_MODERATE });
    expect(KDF_PARAMS.SENSITIVE).toEqual({ opslimit: sodium.crypto_pwhash_OPSLIMIT_SENSITIVE, memlimit: sodium.crypto_pwhash_MEMLIMIT_SENSITIVE });
    expect(KDF_SALT_BYTES).toBe(sodium.crypto_pwhash_SALTBYTES);
  });

  it('derives Argon2id keys that depend on passphrase, salt and every parameter', async () => {
    const salt = new Uint8Array(KDF_SALT_BYTES).fill(7);
    const base = await deriveKey(enc('pass'), salt, KDF_PARAMS.INTERACTIVE);
    expect(base).toHaveLength(32);
    expect(hex(await deriveKey(enc('pass'), salt, KDF_PARAMS.INTERACTIVE))).toBe(hex(base));
    const variants = [
      await deriveKey(enc('pasS'), salt, KDF_PARAMS.INTERACTIVE),
      await deriveKey(enc('pass'), new Uint8Array(KDF_SALT_BYTES).fill(8), KDF_PARAMS.INTERACTIVE),
      await deriveKey(enc('pass'), salt, { ...KDF_PARAMS.INTERACTIVE, opslimit: 3 }),
      await deriveKey(enc('pass'), salt, { ...KDF_PARAMS.INTERACTIVE, memlimit: KDF_PARAMS.INTERACTIVE.memlimit + 1024 * 1024 }),
    ];
    for (const v of variants) expect(hex(v)).not.toBe(hex(base));
    // Argon2id specifically (not Argon2i, the other algorithm crypto_pwhash offers).
    const argon2id = sodium.crypto_pwhash(32, enc('pass'), salt, 2, KDF_PARAMS.INTERACTIVE.memlimit, sodium.crypto_pwhash_ALG_ARGON2ID13);
    expect(hex(base)).toBe(hex(argon2id));
    await expect(deriveKey(enc('pass'), new Uint8Array(8), KDF_PARAMS.INTERACTIVE)).rejects.toThrow(/salt/);
  });

  it('seals and opens with XChaCha20-Poly1305, rejecting any change', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(24);
    const ad = enc('header');
    const ct = aeadEncrypt(enc('secret note'), ad, nonce, key);
    expect(ct).toHaveLength('secret note'.length + 16);
    expect(new TextDecoder().decode(aeadDecrypt(ct, ad, nonce, key) ?? new Uint8Array())).toBe('secret note');
    const flipped = ct.slice();
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(aeadDecrypt(flipped, ad, nonce, key)).toBeNull();
    expect(aeadDecrypt(ct, enc('other header'), nonce, key)).toBeNull();
    expect(aeadDecrypt(ct, ad, randomBytes(24), key)).toBeNull();
    expect(aeadDecrypt(ct, ad, nonce, randomBytes(32))).toBeNull();
    expect(aeadDecrypt(ct.subarray(0, 10), ad, nonce, key)).toBeNull();
  });

  it('draws distinct random bytes, wipes buffers and compares in constant time', () => {
    const a = randomBytes(32);
    expect(a).toHaveLength(32);
    expect(hex(a)).not.toBe(hex(randomBytes(32)));
    const copy = a.slice();
    expect(constantTimeEqual(a, copy)).toBe(true);
    copy[31] = (copy[31] ?? 0) ^ 0x80;
    expect(constantTimeEqual(a, copy)).toBe(false);
    expect(constantTimeEqual(a, a.subarray(0, 31))).toBe(false);
    wipe(a, null, undefined, new Uint8Array(0));
    expect(a.every((b) => b === 0)).toBe(true);
  });
});
