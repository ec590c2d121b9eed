import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_ENVELOPE_BYTES, MAX_HEADER_BYTES, MAX_RECIPIENTS, parseEnvelope, verifyEnvelopeSignature } from '../../../main/crypto/envelope';
import { MAX_BODY_BYTES, encodeHeader } from '../../../main/crypto/envelope-format';
import { sodiumReady } from '../../../main/crypto/sodium';
import { canonicalJson } from '../../../shared/labels/canonical-json';
import { EntenteError, type ErrorCode } from '../../../shared/errors';
import { codeOf, dec, enc, layoutOf, rawFrame, sampleEnvelope } from './envelope-fixtures';

let sample: ReturnType<typeof sampleEnvelope>;
/** The sample's header as plain JSON, to edit. */
let base: Record<string, unknown>;
const body = new Uint8Array(256 + 16);

beforeAll(async () => {
  await sodiumReady();
  sample = sampleEnvelope();
  base = JSON.parse(canonicalJson(sample.sealed.header)) as Record<string, unknown>;
});

const frameText = (text: string, bodyBytes = body) => rawFrame(enc(text), bodyBytes);
const frameObj = (obj: unknown, bodyBytes = body) => frameText(canonicalJson(obj), bodyBytes);
const withHeader = (change: Record<string, unknown>) => ({ ...base, ...change });
const recipients = () => base.recipients as Record<string, unknown>[];

describe('parseEnvelope: each failure code from a crafted input', () => {
  it('accepts the canonical framing of a valid header (the base case the others alter)', () => {
    const env = parseEnvelope(frameObj(base));
    expect(env.header).toEqual(sample.sealed.header);
    expect(env.ciphertext).toHaveLength(272);
    expect(env.signature).toHaveLength(64);
    expect(dec(env.headerBytes.subarray(9))).toBe(canonicalJson(base));
  });

  it('envelope_too_large: more than MAX_ENVELOPE_BYTES, before looking at anything else', () => {
    expect(codeOf(() => parseEnvelope(new Uint8Array(MAX_ENVELOPE_BYTES + 1)))).toBe('envelope_too_large');
  });

  it('envelope_malformed: magic, lengths, truncation, trailing bytes', () => {
    const good = frameObj(base);
    const { h } = layoutOf(good);
    const setU32 = (at: number, v: number) => {
      const b = good.slice();
      new DataView(b.buffer).setUint32(at, v);
      return b;
    };
    const cases: Record<string, Uint8Array> = {
      empty: new Uint8Array(0),
      short: enc('ENTE'),
      magic: Uint8Array.from([0x45, 0x4e, 0x54, 0x46, ...good.subarray(4)]),
      'no header': setU32(5, 0),
      'header over the limit': setU32(5, MAX_HEADER_BYTES + 1),
      'header length past the end': setU32(5, 0xffffffff),
      'body length past the end': setU32(9 + h, 0xffffffff),
      'body length short': setU32(9 + h, 256),
      'truncated in the header': good.subarray(0, 20),
      'truncated in the signature': good.subarray(0, good.length - 1),
      'a trailing byte': Uint8Array.from([...good, 0]),
      'prefix only': good.subarray(0, 9),
    };
    for (const [what, bytes] of Object.entries(cases)) expect(codeOf(() => parseEnvelope(bytes)), what).toBe('envelope_malformed');
  });

  it('envelope_malformed: a header that is not UTF-8 JSON of an object', () => {
    for (const [what, header] of Object.entries({ utf8: Uint8Array.from([0x7b, 0xff, 0x7d]), json: enc('{"v":1,'), array: enc('[1]'), string: enc('"v"'), null: enc('null'), bom: enc('\ufeff{}'), deep: enc(`${'['.repeat(30_000)}${']'.repeat(30_000)}`), open: enc('['.repeat(60_000)) })) {
      expect(codeOf(() => parseEnvelope(rawFrame(header, body))), what).toBe('envelope_malformed');
    }
  });

  it('envelope_version_unsupported: the version byte, or v in the header', () => {
    expect(codeOf(() => parseEnvelope(rawFrame(encodeHeader(sample.sealed.header), body, new Uint8Array(64), 2)))).toBe('envelope_version_unsupported');
    // The version byte is read before any length: a later version may frame differently.
    expect(codeOf(() => parseEnvelope(Uint8Array.from([0x45, 0x4e, 0x54, 0x45, 2, 0xff])))).toBe('envelope_version_unsupported');
    for (const v of [2, 0, '1', null]) expect(codeOf(() => parseEnvelope(frameObj(withHeader({ v })))), String(v)).toBe('envelope_version_unsupported');
  });

  it('envelope_suite_unsupported, checked after the version and before the schema', () => {
    expect(codeOf(() => parseEnvelope(frameObj(withHeader({ suite: 'p256-sha256-aes256gcm-ecdsa' }))))).toBe('envelope_suite_unsupported');
    expect(codeOf(() => parseEnvelope(frameObj(withHeader({ suite: 'x', v: 2 }))))).toBe('envelope_version_unsupported');
    expect(codeOf(() => parseEnvelope(frameObj(withHeader({ suite: 'x', extra: 1 }))))).toBe('envelope_suite_unsupported');
  });

  it('envelope_malformed: the strict schema', () => {
    const r0 = recipients()[0] as Record<string, unknown>;
    const { v: _v, ...noVersion } = base;
    const many = Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => ({ ...r0, officerId: `o${String(i).padStart(4, '0')}` }));
    const cases: Record<string, unknown> = {
      'unknown key': withHeader({ note: 'hi' }),
      'missing v': noVersion,
      'no recipients': withHeader({ recipients: [] }),
      'too many recipients': withHeader({ recipients: many }),
      'unsorted recipients': withHeader({ recipients: [...recipients()].reverse() }),
      'wrapped too short': withHeader({ recipients: [{ ...r0, wrapped: 'AAAA' }] }),
      'non-canonical base64url': withHeader({ id: `${(base.id as string).slice(0, 21)}B` }),
      'padded base64': withHeader({ channel: `${base.channel as string}==` }),
      'time without milliseconds': withHeader({ time: '2026-11-23T10:00:00Z' }),
      'time that does not exist': withHeader({ time: '2026-02-29T10:00:00.000Z' }),
      'time not in UTC': withHeader({ time: '2026-11-23T10:00:00.000+01:00' }),
      'seq zero': withHeader({ seq: 0 }),
      'seq fraction': canonicalJson(base).replace('"seq":7', '"seq":1.5'),
      kind: withHeader({ kind: 'memo' }),
      'sender extra key': withHeader({ sender: { ...(base.sender as object), name: 'x' } }),
      'label not normalised': withHeader({ label: { ...(base.label as object), categories: [...((base.label as { categories: unknown[] }).categories)].reverse() } }),
      'label with a lone surrogate': withHeader({ label: { ...(base.label as object), privacyMark: '\ud800' } }),
      'prekey id zero': withHeader({ recipients: [{ ...r0, prekeyId: 0 }] }),
      'agency upper case': withHeader({ recipients: [{ ...r0, agency: 'DE-BFV' }] }),
    };
    for (const [what, header] of Object.entries(cases)) {
      expect(codeOf(() => parseEnvelope(typeof header === 'string' ? frameText(header) : frameObj(header))), what).toBe('envelope_malformed');
    }
  });

  it('refuses "__proto__" and "constructor" keys anywhere in the header', () => {
    const r0 = recipients()[0] as Record<string, unknown>;
    const text = canonicalJson(base);
    const inject = (at: string, key: string) => text.replace(at, `${at}"${key}":{"polluted":true},`);
    const variants = [
      inject('{', '__proto__'),
      inject('{', 'constructor'),
      inject('"sender":{', '__proto__'),
      inject('"sender":{', 'constructor'),
      inject('"label":{', '__proto__'),
      inject('"recipients":[{', '__proto__'),
      inject('"recipients":[{', 'constructor'),
      inject('"categories":[{', '__proto__'),
    ];
    expect(r0).toBeDefined();
    for (const v of variants) {
      expect(JSON.parse(v)).toBeTypeOf('object');
      expect(codeOf(() => parseEnvelope(frameText(v))), v.slice(0, 60)).toBe('envelope_malformed');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('envelope_malformed: valid JSON that is not the canonical byte form', () => {
    const text = canonicalJson(base);
    const cases: Record<string, string> = {
      whitespace: text.replace('{', '{ '),
      'trailing newline': `${text}\n`,
      'key order': `{"v":1,${text.slice(1).replace(',"v":1}', '}')}`,
      'escaped letter': text.replace('"note"', '"\\u006eote"'),
      'duplicate key': text.replace('"v":1}', '"v":1,"v":1}'),
      'number spelling': text.replace('"seq":7', '"seq":7.0'),
      exponent: text.replace('"seq":7', '"seq":7e0'),
    };
    for (const [what, t] of Object.entries(cases)) {
      expect(JSON.parse(t), what).toBeTypeOf('object');
      expect(codeOf(() => parseEnvelope(frameText(t))), what).toBe('envelope_malformed');
    }
  });

  it('envelope_malformed: a body length that no padded note has', () => {
    for (const c of [0, 16, 255 + 16, 256 + 15, 256 + 17, 512 + 16 + 1, MAX_BODY_BYTES + 256]) {
      expect(codeOf(() => parseEnvelope(frameObj(base, new Uint8Array(c)))), String(c)).toBe('envelope_malformed');
    }
    expect(parseEnvelope(frameObj(base, new Uint8Array(MAX_BODY_BYTES))).ciphertext).toHaveLength(MAX_BODY_BYTES);
  });

  it('envelope_duplicate_recipient, after the schema', () => {
    const r0 = recipients()[0] as Record<string, unknown>;
    const twice = withHeader({ recipients: [r0, { ...r0, prekeyId: 9 }, ...recipients().slice(1)] });
    expect(codeOf(() => parseEnvelope(frameObj(twice)))).toBe('envelope_duplicate_recipient');
    expect(codeOf(() => parseEnvelope(frameObj({ ...twice, kind: 'memo' })))).toBe('envelope_malformed');
  });

  it('keeps a private copy: changing the input afterwards changes nothing parsed', () => {
    const input = sample.sealed.bytes.slice();
    const env = parseEnvelope(input);
    input.fill(0);
    verifyEnvelopeSignature(env, sample.sender.sign.publicKey);
    expect(env.bytes).toEqual(sample.sealed.bytes);
  });
});

const envelopeCode = (e: unknown): ErrorCode | 'not-an-entente-error' => (e instanceof EntenteError ? e.code : 'not-an-entente-error');

/** Returns normally or throws an EntenteError whose code is one of the envelope_* codes; fails otherwise. */
function parsesOrCodes(bytes: Uint8Array): ReturnType<typeof parseEnvelope> | null {
  try {
    return parseEnvelope(bytes);
  } catch (e) {
    const code = envelopeCode(e);
    if (!code.startsWith('envelope_')) throw new Error(`parseEnvelope threw ${String(e)}`);
    return null;
  }
}

type Mutation = { kind: 'flip'; at: number; bit: number } | { kind: 'set'; at: number; value: number } | { kind: 'cut'; at: number } | { kind: 'insert'; at: number; bytes: Uint8Array } | { kind: 'delete'; at: number; n: number } | { kind: 'u32'; at: 0 | 1; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('u32' as const), at: fc.constantFrom(0 as const, 1 as const), value: fc.oneof(fc.nat(), fc.constant(0xffffffff), fc.integer({ min: 0, max: 2000 })) }),
);

function mutate(original: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let b = original.slice();
  for (const m of ms) {
    const at = b.length === 0 ? 0 : m.kind === 'u32' ? 0 : m.at % b.length;
    if (m.kind === 'flip' && b.length > 0) b[at] = (b[at] as number) ^ (1 << m.bit);
    else if (m.kind === 'set' && b.length > 0) b[at] = m.value;
    else if (m.kind === 'cut') b = b.slice(0, at);
    else if (m.kind === 'insert') b = Uint8Array.from([...b.subarray(0, at), ...m.bytes, ...b.subarray(at)]);
    else if (m.kind === 'delete') b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + m.n)]);
    else if (m.kind === 'u32' && b.length >= 13) {
      const view = new DataView(b.buffer);
      const offset = m.at === 0 ? 5 : Math.min(9 + view.getUint32(5), b.length - 4);
      view.setUint32(offset, m.value);
    }
  }
  return b;
}

describe('parseEnvelope fuzz (fast-check): returns, or throws a coded envelope_* error, whatever the bytes', () => {
  it('random bytes (3,000 cases)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1500 }), (b) => void parsesOrCodes(b)), { numRuns: 3000 });
  });

  it('random bytes behind a valid magic and version, with plausible lengths (2,000 cases)', () => {
    const framed = fc.tuple(fc.uint8Array({ maxLength: 600 }), fc.uint8Array({ maxLength: 600 })).map(([h, c]) => rawFrame(h, c));
    const prefixed = fc.uint8Array({ maxLength: 800 }).map((b) => Uint8Array.from([0x45, 0x4e, 0x54, 0x45, 1, ...b]));
    fc.assert(fc.property(fc.oneof(framed, prefixed), (b) => void parsesOrCodes(b)), { numRuns: 2000 });
  });

  it('mutated valid envelopes (4,000 cases): never accepted with a valid signature unless unchanged', () => {
    const original = sample.sealed.bytes;
    let parsedButChanged = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        const b = mutate(original, ms);
        const env = parsesOrCodes(b);
        if (env === null || Buffer.from(b).equals(Buffer.from(original))) return;
        parsedButChanged += 1;
        expect(codeOf(() => verifyEnvelopeSignature(env, sample.sender.sign.publicKey))).toBe('envelope_signature_invalid');
      }),
      { numRuns: 4000 },
    );
    // Changes to the body and the signature parse (the parse cannot see them): the signature must catch them.
    expect(parsedButChanged).toBeGreaterThan(100);
  });

  it('mutated header text in a valid frame (2,000 cases)', () => {
    const text = canonicalJson(base);
    const piece = fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '\\', '\\u0000', '__proto__', '"v":2', '1', '-', 'e9', 'null', '"recipients":[]', '\ud800', 'é', ' ');
    const edit = fc.record({ at: fc.nat({ max: text.length }), del: fc.nat({ max: 6 }), ins: fc.array(piece, { maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let t = text;
        for (const e of edits) t = t.slice(0, e.at) + e.ins.join('') + t.slice(e.at + e.del);
        parsesOrCodes(frameText(t));
      }),
      { numRuns: 2000 },
    );
  });

  it('arbitrary JSON values as the header, and the header keys with arbitrary values (1,500 cases)', () => {
    const keys = Object.keys(base);
    const anyHeader = fc.oneof(
      fc.jsonValue(),
      fc.record(Object.fromEntries(keys.map((k) => [k, fc.oneof(fc.constant(base[k]), fc.jsonValue())]))),
    );
    fc.assert(fc.property(anyHeader, (h) => void parsesOrCodes(frameText(JSON.stringify(h) ?? 'null'))), { numRuns: 1500 });
  });
});
