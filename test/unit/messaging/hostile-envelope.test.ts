import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveEnvelope } from '../../../main/messaging/receive';
import { MAX_ENVELOPE_BYTES } from '../../../main/crypto/envelope';
import { canonicalJson } from '../../../shared/labels/canonical-json';
import { randomBytes } from '../../../main/crypto/sodium';
import { toBase64url } from '../../../main/trust/base64url';
import { DAY, T0, storeSnapshot } from '../../helpers/alliance';
import { encryptRaw, flip, headerOf, keyedRandom, reframe, signatureOf, withSignature } from './envelope-craft';
import { hostileFixture, hostileTable, type Hostile, type HostileCase } from './hostile-setup';

/**
 * Hostile envelopes, part 1: framing, the header, the signature, freshness and replay, and the
 * cryptography (unwrap, key commitment, decryption, padding). Part 2 (hostile-content.test.ts):
 * the sender's credential, the label, the content and the channel.
 */

/** Re-signed by the real sender: the change is the sender's own, so it reaches the later checks. */
const resigned = (h: Hostile, edit: (header: Record<string, unknown>) => void, body?: Parameters<typeof reframe>[1]['body']) => {
  const valid = h.note();
  const header = headerOf(valid);
  edit(header);
  return reframe(valid, { header, signSecret: h.snd.signSecret, ...(body === undefined ? {} : { body }) });
};
/** Changed after signing: the original signature is kept. */
const afterSigning = (h: Hostile, edit: (header: Record<string, unknown>) => void, over: Parameters<Hostile['note']>[0] = {}) => {
  const valid = h.note(over);
  const header = headerOf(valid);
  edit(header);
  return withSignature(reframe(valid, { header, signSecret: h.snd.signSecret }), signatureOf(valid));
};
/** The canonical header text edited as text (keys JavaScript would not keep as data), re-signed. */
const rewritten = (h: Hostile, edit: (text: string) => string) => {
  const valid = h.note();
  const text = canonicalJson(headerOf(valid));
  const changed = edit(text);
  expect(changed).not.toBe(text);
  return reframe(valid, { header: changed, signSecret: h.snd.signSecret });
};
const recipients = (header: Record<string, unknown>) => header.recipients as Record<string, unknown>[];

const cases: HostileCase[] = [
  // ---- framing
  { name: 'empty input', code: 'envelope_malformed', make: () => new Uint8Array(0) },
  { name: 'truncated by one byte', code: 'envelope_malformed', make: (h) => h.note().slice(0, -1) },
  { name: 'truncated inside the header', code: 'envelope_malformed', make: (h) => h.note().slice(0, 40) },
  { name: 'extended by one byte', code: 'envelope_malformed', make: (h) => Uint8Array.from([...h.note(), 0]) },
  { name: 'wrong magic', code: 'envelope_malformed', make: (h) => flip(h.note(), 0) },
  { name: 'binary version 2', code: 'envelope_version_unsupported', make: (h) => Uint8Array.from(h.note(), (b, i) => (i === 4 ? 2 : b)) },
  { name: 'header version 2, re-signed', code: 'envelope_version_unsupported', make: (h) => resigned(h, (x) => (x.v = 2)) },
  { name: 'another algorithm suite, re-signed', code: 'envelope_suite_unsupported', make: (h) => resigned(h, (x) => (x.suite = 'x25519-sha256-aes256gcm-ed25519')) },
  {
    name: 'larger than the envelope limit',
    code: 'envelope_too_large',
    make: (h) => {
      const big = new Uint8Array(MAX_ENVELOPE_BYTES + 1);
      big.set(h.note());
      return big;
    },
  },
  { name: 'oversized body (beyond the largest padded note)', code: 'envelope_malformed', make: (h) => resigned(h, () => {}, randomBytes(16 + 256 * 260)) },
  { name: 'duplicate recipient entries', code: 'envelope_duplicate_recipient', make: (h) => resigned(h, (x) => (x.recipients = [recipients(x)[0], recipients(x)[0]])) },
  {
    name: 'recipients out of order',
    code: 'envelope_malformed',
    make: (h) => {
      const valid = h.note({ to: [h.recv, h.a.p('other')] });
      const header = headerOf(valid);
      header.recipients = [...recipients(header)].reverse();
      return reframe(valid, { header, signSecret: h.snd.signSecret });
    },
  },
  { name: 'header not in canonical form', code: 'envelope_malformed', make: (h) => reframe(h.note(), { header: JSON.stringify(headerOf(h.note()), null, 1), signSecret: h.snd.signSecret }) },
  { name: 'header with an unknown field', code: 'envelope_malformed', make: (h) => resigned(h, (x) => (x.extra = 1)) },
  { name: 'label not in normalized form', code: 'envelope_malformed', make: (h) => resigned(h, (x) => ((x.label as { categories: unknown[] }).categories.reverse())) },
  { name: '__proto__ key in the header', code: 'envelope_malformed', make: (h) => rewritten(h, (t) => t.replace(/^\{/, '{"__proto__":{"v":1},')) },
  { name: 'constructor key in the header label', code: 'envelope_malformed', make: (h) => rewritten(h, (t) => t.replace('"policyId"', '"constructor":{},"policyId"')) },
  { name: '__proto__ key in a recipient entry', code: 'envelope_malformed', make: (h) => rewritten(h, (t) => t.replace('"recipients":[{', '"recipients":[{"__proto__":{},')) },
  { name: 'header not JSON', code: 'envelope_malformed', make: (h) => reframe(h.note(), { header: '{"v":1,', signSecret: h.snd.signSecret }) },
  // ---- signature
  { name: 'signature bit flipped', code: 'envelope_signature_invalid', make: (h) => flip(h.note(), -1) },
  { name: 'body bit flipped after signing', code: 'envelope_signature_invalid', make: (h) => flip(h.note(), -100) },
  { name: 'signed by another officer in the sender’s name', code: 'envelope_signature_invalid', make: (h) => h.note({ from: h.a.p('other'), claim: h.snd }) },
  { name: 'label swapped after signing', code: 'envelope_signature_invalid', make: (h) => afterSigning(h, (x) => (x.label = h.label('NATO RESTRICTED REL TO NATO'))) },
  { name: 'label lowered after signing', code: 'envelope_signature_invalid', make: (h) => afterSigning(h, (x) => (x.label = h.label('NATO UNCLASSIFIED')), { label: h.label('NATO SECRET REL TO FRA, GBR') }) },
  { name: 'label raised after signing', code: 'envelope_signature_invalid', make: (h) => afterSigning(h, (x) => (x.label = h.label('NATO SECRET REL TO FRA, GBR'))) },
  { name: 'time moved after signing', code: 'envelope_signature_invalid', make: (h) => afterSigning(h, (x) => (x.time = new Date(T0 - 60_000).toISOString())) },
  {
    name: 'a recipient entry dropped after signing',
    code: 'envelope_signature_invalid',
    make: (h) => {
      const valid = h.note({ to: [h.recv, h.a.p('other')] });
      const header = headerOf(valid);
      header.recipients = recipients(header).filter((r) => r.officerId === 'recv');
      return withSignature(reframe(valid, { header, signSecret: h.snd.signSecret }), signatureOf(valid));
    },
  },
  // ---- freshness and replay
  { name: 'older than the window (31 days + 1 minute)', code: 'note_too_old', make: (h) => h.note({ time: T0 - 31 * DAY - 60_000 }) },
  { name: 'dated beyond the future tolerance (6 minutes)', code: 'note_from_future', make: (h) => h.note({ time: T0 + 6 * 60_000 }) },
  {
    name: 'replayed note id',
    code: 'note_replayed',
    make: (h) => {
      const valid = h.note();
      expect(receiveEnvelope(h.recv.ctx, valid).status).toBe('stored');
      return valid;
    },
  },
  {
    name: 'a sender sequence reused for another note',
    code: 'note_sequence_reused',
    make: (h) => {
      const seq = h.nextSeq();
      expect(receiveEnvelope(h.recv.ctx, h.note({ seq })).status).toBe('stored');
      return h.note({ seq, text: 'same sequence, other note' });
    },
  },
  // ---- addressing and cryptography
  { name: 'not addressed to this officer', code: 'envelope_not_addressed', make: (h) => h.note({ to: [h.a.p('other')] }) },
  { name: 'wrapped key replaced, re-signed', code: 'envelope_unwrap_failed', make: (h) => resigned(h, (x) => ((recipients(x)[0] as Record<string, unknown>).wrapped = toBase64url(randomBytes(48)))) },
  { name: 'ephemeral key replaced, re-signed', code: 'envelope_unwrap_failed', make: (h) => resigned(h, (x) => (x.eph = toBase64url(randomBytes(32)))) },
  { name: 'prekey never held', code: 'prekey_deleted', make: (h) => resigned(h, (x) => ((recipients(x)[0] as Record<string, unknown>).prekeyId = 999)) },
  { name: 'key commitment mismatch, re-signed', code: 'envelope_key_commitment_mismatch', make: (h) => resigned(h, (x) => (x.commit = toBase64url(randomBytes(32)))) },
  { name: 'body replaced, re-signed', code: 'envelope_decrypt_failed', make: (h) => resigned(h, () => {}, randomBytes(16 + 256)) },
  {
    name: 'bad padding under the right key',
    code: 'envelope_padding_invalid',
    make: (h) => {
      const keyed = keyedRandom();
      const valid = h.note({ random: keyed.random });
      return reframe(valid, { header: headerOf(valid), signSecret: h.snd.signSecret, body: encryptRaw(new Uint8Array(256).fill(0x61), keyed.contentKey()) });
    },
  },
];

describe('hostile envelopes (framing, signature, freshness, cryptography)', () => {
  let h: Hostile;
  beforeAll(async () => {
    h = await hostileFixture();
  }, 60_000);
  afterAll(() => h?.a.close());

  hostileTable(() => h, cases);

  it('has the cases the issue lists, and more', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('refuses every single-byte change and every truncation of a valid note, storing nothing', () => {
    const valid = h.note({ text: 'fuzzed' });
    const before = storeSnapshot(h.recv.profile);
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 }), fc.nat(valid.length - 1), (at, x, cut) => {
        const changed = Uint8Array.from(valid);
        changed[at] = (changed[at] ?? 0) ^ x;
        for (const bytes of [changed, valid.slice(0, cut)]) expect(receiveEnvelope(h.recv.ctx, bytes).status).toBe('rejected');
      }),
      { numRuns: 150 },
    );
    expect(storeSnapshot(h.recv.profile)).toBe(before);
    expect(receiveEnvelope(h.recv.ctx, valid).status).toBe('stored');
  });

  // The surgery must leave a crafted envelope well-formed apart from the one change, or the table
  // would test the parser only: the same re-framing with no change is accepted.
  it('accepts a valid note re-framed and re-signed unchanged', () => {
    expect(receiveEnvelope(h.recv.ctx, resigned(h, () => {})).status).toBe('stored');
    const keyed = keyedRandom();
    const valid = h.note({ random: keyed.random, text: 'padded by hand' });
    const padded = new Uint8Array(256);
    const plain = new TextEncoder().encode(canonicalJson({ text: 'padded by hand', type: 'note', v: 1 }));
    padded.set(plain);
    padded[plain.length] = 0x80;
    const rebuilt = reframe(valid, { header: headerOf(valid), signSecret: h.snd.signSecret, body: encryptRaw(padded, keyed.contentKey()) });
    expect(receiveEnvelope(h.recv.ctx, rebuilt)).toMatchObject({ status: 'stored', note: { body: 'padded by hand' } });
  });

  it('reports only events the audit log accepts', () => {
    expect(h.a.checkAudit()).toBeGreaterThan(0);
  });
});
