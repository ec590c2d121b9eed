import { beforeAll, describe, expect, it } from 'vitest';
import sodium from 'libsodium-wrappers-sumo';
import { dh, dhKeyPair, randomBytes, signDetached, signKeyPair, sodiumReady, verifyDetached, blake2b } from '../../../main/crypto/sodium';
import { montgomeryToEdwards, xeddsaSign, xeddsaVerify } from '../../../main/crypto/xeddsa';

const msg = (s: string) => new TextEncoder().encode(s);

describe('Ed25519, X25519 and BLAKE2b in the facade', () => {
  beforeAll(() => sodiumReady());

  it('signs and verifies; a wrong key, message or signature is false, never a throw', () => {
    const kp = signKeyPair();
    const sig = signDetached(msg('hello'), kp.secretKey);
    expect(verifyDetached(sig, msg('hello'), kp.publicKey)).toBe(true);
    expect(verifyDetached(sig, msg('hellp'), kp.publicKey)).toBe(false);
    expect(verifyDetached(sig, msg('hello'), signKeyPair().publicKey)).toBe(false);
    expect(verifyDetached(sig.subarray(1), msg('hello'), kp.publicKey)).toBe(false);
    expect(verifyDetached(sig, msg('hello'), new Uint8Array(32))).toBe(false); // small-order key
  });

  it('agrees on X25519 shared secrets and refuses small-order public keys', () => {
    const a = dhKeyPair();
    const b = dhKeyPair();
    expect(Buffer.from(dh(a.secretKey, b.publicKey) as Uint8Array)).toEqual(Buffer.from(dh(b.secretKey, a.publicKey) as Uint8Array));
    expect(dh(a.secretKey, new Uint8Array(32))).toBeNull();
    expect(dhKeyPair(a.secretKey).publicKey).toEqual(a.publicKey);
  });

  it('computes BLAKE2b as libsodium does (RFC 7693 test vector "abc", 64 bytes)', () => {
    expect(Buffer.from(blake2b(msg('abc'), 64)).toString('hex')).toBe(
      'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923',
    );
  });
});

describe('XEdDSA (proof of possession of an X25519 key)', () => {
  beforeAll(async () => {
    await sodiumReady();
    await sodium.ready;
  });

  it('maps an X25519 public key to the Ed25519 key libsodium maps back to it', () => {
    for (let i = 0; i < 20; i++) {
      const ed = signKeyPair();
      const u = sodium.crypto_sign_ed25519_pk_to_curve25519(ed.publicKey);
      const A = montgomeryToEdwards(u) as Uint8Array;
      const cleared = Uint8Array.from(ed.publicKey);
      cleared[31] = (cleared[31] as number) & 0x7f;
      expect(Buffer.from(A)).toEqual(Buffer.from(cleared));
    }
  });

  it('makes signatures that verify with the X25519 public key only', () => {
    const kp = dhKeyPair();
    const sig = xeddsaSign(kp.secretKey, msg('enrol me'));
    expect(xeddsaVerify(sig, msg('enrol me'), kp.publicKey)).toBe(true);
    expect(xeddsaVerify(sig, msg('enrol me!'), kp.publicKey)).toBe(false);
    expect(xeddsaVerify(sig, msg('enrol me'), dhKeyPair().publicKey)).toBe(false);
    const flipped = Uint8Array.from(sig);
    flipped[40] = (flipped[40] as number) ^ 1;
    expect(xeddsaVerify(flipped, msg('enrol me'), kp.publicKey)).toBe(false);
  });

  it('is reproducible with fixed randomness and randomised otherwise', () => {
    const kp = dhKeyPair(new Uint8Array(32).fill(9));
    const z = new Uint8Array(64).fill(1);
    expect(xeddsaSign(kp.secretKey, msg('m'), z)).toEqual(xeddsaSign(kp.secretKey, msg('m'), z));
    expect(xeddsaSign(kp.secretKey, msg('m'))).not.toEqual(xeddsaSign(kp.secretKey, msg('m')));
  });

  it('refuses non-canonical u-coordinates (top bit set, u ≥ p, u = p − 1)', () => {
    const kp = dhKeyPair();
    const sig = xeddsaSign(kp.secretKey, msg('m'));
    const topBit = Uint8Array.from(kp.publicKey);
    topBit[31] = (topBit[31] as number) | 0x80;
    expect(xeddsaVerify(sig, msg('m'), topBit)).toBe(false);
    const p = new Uint8Array(32).fill(0xff);
    p[0] = 0xed;
    p[31] = 0x7f;
    expect(montgomeryToEdwards(p)).toBeNull();
    const pMinus1 = Uint8Array.from(p);
    pMinus1[0] = 0xec;
    expect(montgomeryToEdwards(pMinus1)).toBeNull();
  });

  it('works for many random keys (the sign-bit case of the specification included)', () => {
    for (let i = 0; i < 40; i++) {
      const kp = dhKeyPair(randomBytes(32));
      expect(xeddsaVerify(xeddsaSign(kp.secretKey, msg(`m${i}`)), msg(`m${i}`), kp.publicKey)).toBe(true);
    }
  });
});
