import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sodiumReady } from '../../../main/crypto/sodium';
import { fromBase64url, toBase64url } from '../../../main/trust/base64url';
import { AgencyCard, Credential, EnrolmentRequest, SIGNED_TYPES } from '../../../main/trust/objects';
import {
  addSignature,
  contextOf,
  createSigned,
  decodeSigned,
  encodeSigned,
  hasValidSignature,
  peekSignedType,
  requireValidSignature,
  signedBytes,
  type Signed,
  type SignedType,
} from '../../../main/trust/signed';
import { fixtureBodies, fixtureKeys, fixtureObjects, type FixtureKeys, type FixtureObject } from '../../helpers/trust-fixtures';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Full verification as a reader does it: decode, then every expected signature with its key. */
function verifies(f: FixtureObject, file: Uint8Array): boolean {
  try {
    const obj = decodeSigned(f.spec, file);
    return Object.entries(f.keys).every(([slot, key]) => hasValidSignature(f.spec, obj, slot, key));
  } catch {
    return false;
  }
}

describe('signed objects: one encoding', () => {
  let keys: FixtureKeys;
  let objects: Record<string, FixtureObject>;
  beforeAll(async () => {
    await sodiumReady();
    keys = fixtureKeys();
    objects = fixtureObjects(keys);
  });

  it('covers every object type', () => {
    expect(Object.keys(objects).sort()).toEqual(SIGNED_TYPES.map((t) => t.type).sort());
  });

  it('round-trips every type through its file form, and every signature verifies', () => {
    for (const f of Object.values(objects)) {
      const file = encodeSigned(f.obj);
      expect(file.endsWith('}\n')).toBe(true);
      expect(file.split('\n')).toHaveLength(2);
      const back = decodeSigned(f.spec, bytes(file));
      expect(back).toEqual(f.obj);
      expect(verifies(f, bytes(file))).toBe(true);
      expect(verifies(f, bytes(file.trimEnd()))).toBe(true); // the final line feed is optional
      expect(peekSignedType(bytes(file))).toBe(f.spec.type);
    }
  });

  it('signs the context string, a zero byte and the canonical body', () => {
    const card = objects['agency-card'] as FixtureObject;
    const message = text(signedBytes(card.spec, card.obj.body));
    expect(contextOf(card.spec)).toBe('entente/v1/agency-card');
    expect(message.startsWith('entente/v1/agency-card\u0000{"country":"FRA","created":')).toBe(true);
  });

  it('is domain-separated: a signature over the same body bytes under another type does not verify', () => {
    const k = keys;
    const body = fixtureBodies(k).card;
    const asCard = createSigned(AgencyCard, body, 'root', k.frRoot.secretKey);
    // Same key, same body bytes, claimed as another type that the same key signs (a credential).
    const forged = { ...asCard, type: 'credential', sigs: { issuer: asCard.sigs.root as string } } as Signed<unknown>;
    expect(hasValidSignature(Credential as SignedType<unknown>, forged, 'issuer', k.frRoot.publicKey)).toBe(false);
  });

  it('refuses a file that is valid JSON but not the canonical bytes', () => {
    const f = objects['agency-card'] as FixtureObject;
    const pretty = JSON.stringify(JSON.parse(encodeSigned(f.obj)), null, 2);
    expect(() => decodeSigned(f.spec, bytes(pretty))).toThrow(expect.objectContaining({ code: 'signed_malformed' }));
    expect(() => decodeSigned(f.spec, bytes(`${encodeSigned(f.obj)}\n`))).toThrow(expect.objectContaining({ code: 'signed_malformed' }));
    expect(() => decodeSigned(f.spec, bytes(`\uFEFF${encodeSigned(f.obj)}`))).toThrow(expect.objectContaining({ code: 'signed_malformed' }));
  });

  it('refuses other versions, other types, unknown fields, unknown slots and unsigned objects with coded errors', () => {
    const f = objects['agency-card'] as FixtureObject;
    const obj = JSON.parse(encodeSigned(f.obj)) as Record<string, unknown>;
    const withChange = (change: (o: Record<string, unknown>) => void) => {
      const copy = structuredClone(obj);
      change(copy);
      return bytes(JSON.stringify(copy));
    };
    const cases: [Uint8Array, string][] = [
      [withChange((o) => (o.v = 2)), 'signed_version_unsupported'],
      [withChange((o) => (o.type = 'credential')), 'signed_wrong_type'],
      [withChange((o) => ((o.body as Record<string, unknown>).extra = 1)), 'signed_malformed'],
      [withChange((o) => ((o.sigs as Record<string, unknown>).other = (o.sigs as Record<string, unknown>).root)), 'signed_malformed'],
      [withChange((o) => (o.sigs = {})), 'signed_malformed'],
      [withChange((o) => (o.extra = true)), 'signed_malformed'],
      [bytes('not json'), 'signed_malformed'],
      [bytes('[]'), 'signed_malformed'],
    ];
    for (const [file, code] of cases) expect(() => decodeSigned(f.spec, file)).toThrow(expect.objectContaining({ code }));
  });

  it('refuses a body field that is not canonical base64url, or a set that is not sorted', () => {
    const k = keys;
    const b = fixtureBodies(k);
    const key = b.card.rootKey;
    const last = key.at(-1) as string;
    // Same bytes, different spelling: the low bits of the final character are not zero.
    const sibling = key.slice(0, -1) + String.fromCharCode(last.charCodeAt(0) + 1);
    expect(fromBase64url(key)).not.toBeNull();
    expect(fromBase64url(sibling)).toBeNull();
    expect(() => createSigned(AgencyCard, { ...b.card, rootKey: sibling }, 'root', k.frRoot.secretKey)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => createSigned(AgencyCard, { ...b.card, policies: ['2.5', '1.3'] }, 'root', k.frRoot.secretKey)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => createSigned(AgencyCard, { ...b.card, country: 'XKX' }, 'root', k.frRoot.secretKey)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => createSigned(AgencyCard, { ...b.card, name: 'tab\there' }, 'root', k.frRoot.secretKey)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => createSigned(AgencyCard, { ...b.card, created: '2026-02-30T00:00:00Z' }, 'root', k.frRoot.secretKey)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(toBase64url(new Uint8Array([251, 255]))).toBe('-_8');
  });

  it('names a missing or bad signature with signature_invalid', () => {
    const k = keys;
    const b = fixtureBodies(k);
    const onlyIdentity = createSigned(EnrolmentRequest, b.request, 'identity', k.officerSign.secretKey);
    expect(() => requireValidSignature(EnrolmentRequest, onlyIdentity, 'agreement', k.officerDh.publicKey, 'the agreement key')).toThrow(expect.objectContaining({ code: 'signature_invalid' }));
    // An XEdDSA proof made with another X25519 key: the request does not prove possession.
    const other = addSignature(EnrolmentRequest, onlyIdentity, 'agreement', k.prekey.secretKey);
    expect(() => requireValidSignature(EnrolmentRequest, other, 'agreement', k.officerDh.publicKey, 'the agreement key')).toThrow(expect.objectContaining({ code: 'signature_invalid' }));
    expect(() => addSignature(EnrolmentRequest, other, 'agreement', k.officerDh.secretKey)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});

describe('flipping any bit of any signed object makes verification fail', () => {
  let objects: Record<string, FixtureObject>;
  beforeAll(async () => {
    await sodiumReady();
    objects = fixtureObjects(fixtureKeys());
  });

  it('every single bit, exhaustively, for every type', () => {
    for (const f of Object.values(objects)) {
      const file = bytes(encodeSigned(f.obj));
      expect(verifies(f, file)).toBe(true);
      for (let bit = 0; bit < file.length * 8; bit++) {
        const copy = Uint8Array.from(file);
        copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
        if (verifies(f, copy)) throw new Error(`${f.spec.type}: flipping bit ${bit} still verifies`);
      }
    }
  });

  it('any non-empty set of flipped bits (property)', () => {
    const all = Object.values(objects);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: all.length - 1 }).chain((i) => {
          const f = all[i] as FixtureObject;
          const bits = bytes(encodeSigned(f.obj)).length * 8;
          return fc.tuple(fc.constant(f), fc.uniqueArray(fc.integer({ min: 0, max: bits - 1 }), { minLength: 1, maxLength: 16 }));
        }),
        ([f, flips]) => {
          const copy = bytes(encodeSigned(f.obj));
          for (const bit of flips) copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
          return !verifies(f, copy);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
