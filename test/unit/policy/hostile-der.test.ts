import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readEssLabel, writeEssLabel } from '../../../main/policy';
import { EntenteError } from '../../../shared/errors';
import { suiteRegistry } from './suite';

/** Hostile DER: truncation, trailing bytes, lengths past the end, bombs — all rejected quickly. */
const registry = suiteRegistry();
const nato = registry.require('1.3.26.1.3.1');
const good = writeEssLabel(nato, {
  policyId: nato.id,
  classification: 2,
  categories: [
    { tagSetId: '1.3.26.1.4.4', tagType: 'permissive', lacv: 1001 },
    { tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 392 },
  ],
});

function rejects(bytes: Uint8Array, code = 'der_malformed'): string {
  const start = performance.now();
  let err: unknown;
  try {
    readEssLabel(bytes, registry);
  } catch (e) {
    err = e;
  }
  expect(performance.now() - start).toBeLessThan(500);
  expect(err).toBeInstanceOf(EntenteError);
  expect((err as EntenteError).code).toBe(code);
  return (err as EntenteError).message;
}

describe('hostile DER', () => {
  it('reads the well-formed label (so the rejections below are about the damage)', () => {
    expect(readEssLabel(good, registry).classification).toBe(2);
  });

  it('rejects every truncation', () => {
    for (let n = 1; n < good.length; n++) rejects(good.subarray(0, n));
  });

  it('rejects trailing bytes', () => {
    expect(rejects(Uint8Array.from([...good, 0x00]))).toMatch(/trailing/);
    rejects(Uint8Array.from([...good, ...good]));
  });

  it('rejects lengths past the end, including huge long-form lengths', () => {
    const past = Uint8Array.from(good);
    past[1] = past[1]! + 5;
    rejects(past);
    rejects(Uint8Array.from([0x31, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01]));
    rejects(Uint8Array.from([0x31, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  });

  it('rejects deep nesting and oversized input', () => {
    const depth = 200;
    const deep: number[] = [];
    for (let i = 0; i < depth; i++) deep.push(0x30, 0x80);
    for (let i = 0; i < depth; i++) deep.push(0, 0);
    rejects(Uint8Array.from(deep));
    rejects(new Uint8Array(1024 * 1024).fill(0x30));
  });

  it('rejects wrong structures with a reason', () => {
    rejects(Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01])); // SEQUENCE, not SET
    expect(rejects(Uint8Array.from([0x31, 0x03, 0x02, 0x01, 0x01]), 'label_malformed')).toMatch(/No policy/);
    rejects(Uint8Array.from([0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02])); // two classifications
    rejects(Uint8Array.from([0x31, 0x03, 0x02, 0x01, 0xff])); // negative classification
    expect(rejects(new Uint8Array(), 'label_malformed')).toBe('No data to parse');
  });

  it('rejects a label whose first tag became a GeneralizedTime (asn1js throws a plain Error there)', () => {
    // Found by the property below (seed -1407563431): a mutated first byte 0x31 -> 0x18.
    const mutated = Uint8Array.from(good);
    mutated[0] = 0x18;
    rejects(mutated);
  });

  it('never crashes on random bytes or random mutations', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, b]) => {
        const m = Uint8Array.from(good);
        m[i] = b;
        return m;
      })), (bytes) => {
        try {
          readEssLabel(bytes, registry);
        } catch (e) {
          expect(e).toBeInstanceOf(EntenteError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
