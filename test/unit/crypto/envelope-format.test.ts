import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeHeaderSchema, canonicalBase64url, encodeHeader, headerText, type EnvelopeHeader } from '../../../main/crypto/envelope-format';
import { ownPublicKey } from '../../../main/crypto/envelope-keys';
import { dhKeyPair, dhPublicKey, pad, randomBytes, sodiumReady, unpad } from '../../../main/crypto/sodium';
import { base64urlBytes } from '../../../main/trust/base64url';
import { canonicalJson } from '../../../shared/labels/canonical-json';
import { dec, sampleEnvelope } from './envelope-fixtures';

beforeAll(() => sodiumReady());

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const b64char = fc.constantFrom(...B64.split(''));

describe('canonicalBase64url: the fast check accepts exactly what base64urlBytes accepts', () => {
  for (const length of [16, 32, 48, 64]) {
    it(`${length} bytes`, () => {
      const fast = canonicalBase64url(length);
      const slow = base64urlBytes(length);
      const chars = Math.ceil((length * 4) / 3);
      const candidates = fc.oneof(
        fc.uint8Array({ minLength: length, maxLength: length }).map((b) => Buffer.from(b).toString('base64url')),
        fc.array(b64char, { minLength: chars, maxLength: chars }).map((cs) => cs.join('')),
        fc.array(b64char, { minLength: chars - 2, maxLength: chars + 2 }).map((cs) => cs.join('')),
        fc.string({ maxLength: chars + 3 }),
      );
      fc.assert(
        fc.property(candidates, (s) => {
          expect(fast.safeParse(s).success, s).toBe(slow.safeParse(s).success);
        }),
        { numRuns: 2000 },
      );
    });
  }
});

describe('headerText is canonicalJson for every valid header', () => {
  it('on sealed headers and on generated ones', () => {
    const { sealed } = sampleEnvelope();
    expect(headerText(sealed.header)).toBe(canonicalJson(sealed.header));
    const id = fc.stringMatching(/^[a-z0-9](?:[a-z0-9._@-]{0,10}[a-z0-9])?$/);
    const agency = fc.stringMatching(/^[a-z0-9](?:[a-z0-9._-]{0,10}[a-z0-9])?$/);
    const serial = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
    const label = fc.record(
      {
        policyId: fc.constantFrom('1.3.26.1.3.1', '2.5.4'),
        classification: fc.integer({ min: 0, max: 0x7fffffff }),
        categories: fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { maxLength: 4 }).map((ls) => [...ls].sort((a, b) => a - b).map((lacv) => ({ tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive' as const, lacv }))),
        privacyMark: fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }),
        created: fc.constant('2026-01-01T00:00:00Z'),
      },
      { requiredKeys: ['policyId', 'classification', 'categories'] },
    );
    const header = fc.record({
      v: fc.constant(1 as const),
      suite: fc.constant('x25519-blake2b-xchacha20poly1305-ed25519'),
      id: fc.constant(sealed.header.id),
      channel: fc.constant(sealed.header.channel),
      kind: fc.constantFrom('note' as const, 'control' as const),
      sender: fc.record({ agency, officerId: id, serial }),
      time: fc.constant(sealed.header.time),
      seq: serial,
      label,
      eph: fc.constant(sealed.header.eph),
      commit: fc.constant(sealed.header.commit),
      recipients: fc.array(fc.record({ agency, officerId: id, prekeyId: serial, wrapped: fc.constant(sealed.header.recipients[0]?.wrapped as string) }), { minLength: 1, maxLength: 5 }),
    });
    fc.assert(
      fc.property(header, (h: EnvelopeHeader) => {
        expect(headerText(h)).toBe(canonicalJson(h));
        expect(dec(encodeHeader(h))).toBe(canonicalJson(h));
      }),
      { numRuns: 1000 },
    );
    expect(EnvelopeHeaderSchema.safeParse(JSON.parse(headerText(sealed.header))).success).toBe(true);
  });
});

describe('sodium additions', () => {
  it('pad/unpad: one padded form per length, at most one block of padding, input untouched', () => {
    for (let n = 0; n <= 600; n += 1) {
      const data = randomBytes(n);
      const padded = pad(data, 256);
      expect(padded.length, String(n)).toBe((Math.floor(n / 256) + 1) * 256);
      expect(padded[n]).toBe(0x80);
      expect(padded.subarray(n + 1).every((b) => b === 0)).toBe(true);
      const copy = padded.slice();
      expect(Buffer.from(unpad(padded, 256) as Uint8Array).equals(Buffer.from(data))).toBe(true);
      expect(padded).toEqual(copy);
    }
    const bad = (f: (b: Uint8Array) => void) => {
      const b = pad(randomBytes(10), 256);
      f(b);
      return unpad(b, 256);
    };
    expect(unpad(new Uint8Array(0), 256)).toBeNull();
    expect(unpad(new Uint8Array(255).fill(0x80), 256)).toBeNull();
    expect(bad((b) => (b[10] = 0x81))).toBeNull();
    expect(bad((b) => (b[255] = 1))).toBeNull();
    expect(unpad(Uint8Array.from([...new Uint8Array(100), 0x80, ...new Uint8Array(411)]), 256)).toBeNull();
  });

  it('dhPublicKey matches dhKeyPair; ownPublicKey remembers by content, not by array', () => {
    const kp = dhKeyPair();
    expect(dhPublicKey(kp.secretKey)).toEqual(kp.publicKey);
    expect(ownPublicKey(kp.secretKey)).toEqual(kp.publicKey);
    const again = ownPublicKey(kp.secretKey.slice());
    expect(again).toEqual(kp.publicKey);
    again.fill(0); // a caller altering the result does not alter what is remembered
    expect(ownPublicKey(kp.secretKey)).toEqual(kp.publicKey);
    for (let i = 0; i < 100; i++) {
      const other = dhKeyPair();
      expect(ownPublicKey(other.secretKey)).toEqual(other.publicKey);
    }
    expect(ownPublicKey(kp.secretKey)).toEqual(kp.publicKey);
    expect(() => dhPublicKey(new Uint8Array(31))).toThrow();
  });
});
