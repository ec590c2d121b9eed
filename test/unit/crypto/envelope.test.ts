import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_PLAINTEXT_BYTES, openEnvelope, parseEnvelope, sealEnvelope, verifyEnvelopeSignature, type EnvelopeHeader } from '../../../main/crypto/envelope';
import { compareOfficers, officerKey } from '../../../main/crypto/envelope-format';
import { keyCommitment, unwrapContentKey, wrapContentKey, wrapKey, zeroNonce } from '../../../main/crypto/envelope-keys';
import { aeadEncrypt, dh, dhKeyPair, pad, randomBytes, sodiumReady, unpad } from '../../../main/crypto/sodium';
import { decodeField, toBase64url } from '../../../main/trust/base64url';
import { codeOf, dec, enc, layoutOf, makeOfficer, openKeysOf, receive, reframe, sampleEnvelope, sealInput, type Officer } from './envelope-fixtures';

beforeAll(() => sodiumReady());

describe('sealEnvelope / openEnvelope', () => {
  it('round-trips to several recipients: each opens the same note; the header lists them sorted', () => {
    const { sender, recipients, plaintext, sealed } = sampleEnvelope();
    const listed = sealed.header.recipients.map(officerKey);
    expect(listed).toEqual(['de-bfv/kmueller', 'fr-dgsi/amartin', 'fr-dgsi/jdupont', 'uk-demo/jsmith']);
    for (const r of recipients) expect(dec(receive(sealed.bytes, sender, r))).toBe(dec(plaintext));
    const env = parseEnvelope(sealed.bytes);
    expect(env.header).toEqual(sealed.header);
    expect(env.header.label.categories.map((c) => c.lacv)).toEqual([250, 826]);
    expect(env.header.time).toBe('2026-11-23T10:00:00.000Z');
  });

  it('pads the body to 256-byte blocks, so lengths within a block look alike', () => {
    const sender = makeOfficer('fr-dgsi', 'a');
    const sizes = [0, 1, 255, 256, 1024, MAX_PLAINTEXT_BYTES];
    for (const n of sizes) {
      const text = randomBytes(n);
      const { bytes } = sealEnvelope(sealInput(sender, [sender], text));
      const { c } = layoutOf(bytes);
      expect(c, `plaintext of ${n}`).toBe((Math.floor(n / 256) + 1) * 256 + 16);
      expect(Buffer.from(receive(bytes, sender, sender)).equals(Buffer.from(text))).toBe(true);
    }
  });

  it('seals each note with fresh randomness: ids, ephemeral keys, commitments and bytes all differ', () => {
    const sender = makeOfficer('fr-dgsi', 'a');
    const a = sealEnvelope(sealInput(sender, [sender], enc('same')));
    const b = sealEnvelope(sealInput(sender, [sender], enc('same')));
    expect(a.header.id).not.toBe(b.header.id);
    expect(a.header.eph).not.toBe(b.header.eph);
    expect(a.header.commit).not.toBe(b.header.commit);
    expect(a.header.recipients[0]?.wrapped).not.toBe(b.header.recipients[0]?.wrapped);
  });

  it('refuses a non-recipient with envelope_not_addressed, even one with the same officer id elsewhere', () => {
    const { sender, sealed } = sampleEnvelope();
    expect(codeOf(() => receive(sealed.bytes, sender, makeOfficer('fr-dgsi', 'outsider')))).toBe('envelope_not_addressed');
    expect(codeOf(() => receive(sealed.bytes, sender, makeOfficer('it-aise', 'jsmith')))).toBe('envelope_not_addressed');
  });

  it('a recipient holding the wrong keys gets envelope_unwrap_failed; a deleted prekey surfaces as prekey_deleted', () => {
    const { sender, others, sealed } = sampleEnvelope();
    const jsmith = others[0] as Officer;
    const env = parseEnvelope(sealed.bytes);
    verifyEnvelopeSignature(env, sender.sign.publicKey);
    expect(codeOf(() => openEnvelope(env, { ...openKeysOf(jsmith), identityDhSecret: dhKeyPair().secretKey }))).toBe('envelope_unwrap_failed');
    expect(codeOf(() => openEnvelope(env, { ...openKeysOf(jsmith), prekeySecret: () => dhKeyPair().secretKey }))).toBe('envelope_unwrap_failed');
    expect(codeOf(() => openEnvelope(env, openKeysOf({ ...jsmith, prekeyId: 99 })))).toBe('prekey_deleted');
  });

  it('the wrap binds the recipient name: a key unwrapped under another name fails', () => {
    const { sealed, others } = sampleEnvelope();
    const jsmith = others[0] as Officer;
    const entry = sealed.header.recipients.find((r) => r.officerId === 'jsmith');
    const noteId = decodeField(sealed.header.id);
    const eph = decodeField(sealed.header.eph);
    const inputs = { dh1: dh(jsmith.prekey.secretKey, eph) as Uint8Array, dh2: dh(jsmith.dh.secretKey, eph) as Uint8Array, eph, prekey: jsmith.prekey.publicKey, identity: jsmith.dh.publicKey, noteId };
    const right = wrapKey({ ...inputs, recipient: jsmith });
    const wrongName = wrapKey({ ...inputs, recipient: { agency: 'uk-demo', officerId: 'jsmith2' } });
    expect(unwrapContentKey(decodeField(entry?.wrapped as string), right, noteId)).not.toBeNull();
    expect(unwrapContentKey(decodeField(entry?.wrapped as string), wrongName, noteId)).toBeNull();
  });

  it('a verified signature is required of the sender key, not another officer', () => {
    const { sealed, others } = sampleEnvelope();
    const env = parseEnvelope(sealed.bytes);
    expect(codeOf(() => verifyEnvelopeSignature(env, (others[0] as Officer).sign.publicKey))).toBe('envelope_signature_invalid');
    expect(codeOf(() => verifyEnvelopeSignature(env, new Uint8Array(31)))).toBe('envelope_signature_invalid');
  });
});

describe('sealEnvelope refuses bad input with a code', () => {
  const sender = () => makeOfficer('fr-dgsi', 'jdupont');

  it('duplicates, too long a note, no recipient, bad fields', () => {
    const s = sender();
    const r = makeOfficer('uk-demo', 'jsmith');
    const twin = { ...makeOfficer('uk-demo', 'jsmith', 9) };
    expect(codeOf(() => sealEnvelope(sealInput(s, [r, s, twin], enc('x'))))).toBe('envelope_duplicate_recipient');
    expect(codeOf(() => sealEnvelope(sealInput(s, [r], new Uint8Array(MAX_PLAINTEXT_BYTES + 1))))).toBe('note_too_long');
    expect(codeOf(() => sealEnvelope(sealInput(s, [], enc('x'))))).toBe('invalid_input');
    const bad: Record<string, Partial<Parameters<typeof sealInput>[3]>> = {
      channel: { channel: 'short' },
      time: { time: '2026-11-23T10:00:00Z' },
      date: { time: '2026-02-30T10:00:00.000Z' },
      seq: { seq: 0 },
      kind: { kind: 'memo' as 'note' },
      sender: { sender: { agency: 'FR', officerId: 'x', serial: 1 } },
      label: { label: { policyId: 'nato', classification: 4, categories: [] } },
      lone: { label: { policyId: '1.3.26.1.3.1', classification: 4, categories: [], privacyMark: '\ud800' } },
    };
    for (const [what, over] of Object.entries(bad)) expect(codeOf(() => sealEnvelope(sealInput(s, [r], enc('x'), over))), what).toBe('invalid_input');
  });

  it("recipients' keys: wrong lengths and small-order points are invalid_input, never a crash", () => {
    const s = sender();
    const r = makeOfficer('uk-demo', 'jsmith');
    const smallOrder = [
      new Uint8Array(32), // 0
      Uint8Array.from([1, ...new Array<number>(31).fill(0)]), // 1
      // A point of order 8 (from the list of low-order Curve25519 points).
      Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex'),
      Buffer.from('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'hex'), // p - 1
    ];
    for (const key of smallOrder) {
      expect(codeOf(() => sealEnvelope({ ...sealInput(s, [r], enc('x')), recipients: [{ agency: 'uk-demo', officerId: 'jsmith', prekeyId: 1, prekey: new Uint8Array(key), identityDh: r.dh.publicKey }] }))).toBe('invalid_input');
      expect(codeOf(() => sealEnvelope({ ...sealInput(s, [r], enc('x')), recipients: [{ agency: 'uk-demo', officerId: 'jsmith', prekeyId: 1, prekey: r.prekey.publicKey, identityDh: new Uint8Array(key) }] }))).toBe('invalid_input');
    }
    expect(codeOf(() => sealEnvelope({ ...sealInput(s, [r], enc('x')), recipients: [{ agency: 'uk-demo', officerId: 'jsmith', prekeyId: 1, prekey: new Uint8Array(31), identityDh: r.dh.publicKey }] }))).toBe('invalid_input');
    expect(codeOf(() => sealEnvelope({ ...sealInput(s, [r], enc('x')), recipients: [{ agency: 'uk-demo', officerId: 'jsmith', prekeyId: 0, prekey: r.prekey.publicKey, identityDh: r.dh.publicKey }] }))).toBe('invalid_input');
  });

  it('a header beyond the size limit is envelope_too_large', () => {
    const s = sender();
    const categories = Array.from({ length: 4000 }, (_, i) => ({ tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive' as const, lacv: i }));
    expect(codeOf(() => sealEnvelope(sealInput(s, [s], enc('x'), { label: { policyId: '1.3.26.1.3.1', classification: 4, categories } })))).toBe('envelope_too_large');
  });

  it('draws note id, content key and ephemeral secret in that order, and leaves the caller\'s arrays alone', () => {
    const s = sender();
    const given: Uint8Array[] = [];
    const random = (n: number) => {
      const b = randomBytes(n);
      given.push(b);
      return b;
    };
    sealEnvelope(sealInput(s, [s], enc('x'), { random }));
    expect(given.map((b) => b.length)).toEqual([16, 32, 32]);
    for (const b of given) expect(b.some((x) => x !== 0)).toBe(true);
  });
});

describe('tampering: every region of the envelope is covered', () => {
  it('a changed header byte, body byte or signature byte fails the signature (or the parse)', () => {
    const { sender, sealed } = sampleEnvelope();
    const { headerAt, h, bodyAt, c, sigAt } = layoutOf(sealed.bytes);
    const at = (i: number) => {
      const b = sealed.bytes.slice();
      b[i] = (b[i] as number) ^ 0x01;
      return codeOf(() => receive(b, sender, sender));
    };
    // A channel character: the header stays canonical and valid, only the signature catches it.
    const channelAt = headerAt + Buffer.from(sealed.bytes.subarray(headerAt, headerAt + h)).indexOf('"channel":"') + 11;
    expect(at(channelAt)).toBe('envelope_signature_invalid');
    expect(at(headerAt)).toBe('envelope_malformed'); // "{" → "z": not JSON
    expect(at(bodyAt)).toBe('envelope_signature_invalid');
    expect(at(bodyAt + c - 1)).toBe('envelope_signature_invalid');
    expect(at(sigAt)).toBe('envelope_signature_invalid');
    expect(at(sigAt + 63)).toBe('envelope_signature_invalid');
    // Length fields and the version byte.
    expect(at(8)).toBe('envelope_malformed');
    expect(at(5)).toBe('envelope_malformed');
    expect(at(9 + h + 3)).toBe('envelope_malformed');
    expect(at(4)).toBe('envelope_version_unsupported');
    expect(at(0)).toBe('envelope_malformed');
  });

  it('binds the label and the header to the body: a header changed and re-signed by the sender no longer decrypts', () => {
    const { sender, others, sealed } = sampleEnvelope();
    const env = parseEnvelope(sealed.bytes);
    const downgraded: EnvelopeHeader = { ...env.header, label: { ...env.header.label, classification: 1 } };
    for (const header of [downgraded, { ...env.header, seq: env.header.seq + 1 }, { ...env.header, kind: 'control' as const }]) {
      const bytes = reframe(env, sender.sign.secretKey, { header });
      expect(codeOf(() => receive(bytes, sender, others[0] as Officer))).toBe('envelope_decrypt_failed');
    }
  });

  it('a body changed and re-signed by the sender fails to decrypt', () => {
    const { sender, sealed } = sampleEnvelope();
    const env = parseEnvelope(sealed.bytes);
    const body = env.ciphertext.slice();
    body[10] = (body[10] as number) ^ 0x80;
    expect(codeOf(() => receive(reframe(env, sender.sign.secretKey, { body: () => body }), sender, sender))).toBe('envelope_decrypt_failed');
  });

  it('key commitment: a recipient whose wrapped key is another key K\' is refused, though the sender signed it', () => {
    const { sender, others, sealed } = sampleEnvelope();
    const victim = others[0] as Officer;
    const env = parseEnvelope(sealed.bytes);
    const noteId = decodeField(env.header.id);
    const eph = decodeField(env.header.eph);
    // The sender knows e; here we stand in for it by computing the victim's wrap key from their side.
    const w = wrapKey({ dh1: dh(victim.prekey.secretKey, eph) as Uint8Array, dh2: dh(victim.dh.secretKey, eph) as Uint8Array, eph, prekey: victim.prekey.publicKey, identity: victim.dh.publicKey, noteId, recipient: victim });
    const otherKey = randomBytes(32);
    const recipients = env.header.recipients.map((r) => (compareOfficers(r, victim) === 0 ? { ...r, wrapped: toBase64url(wrapContentKey(otherKey, w, noteId)) } : r));
    const header = { ...env.header, recipients };
    // The body is re-encrypted under K' too, so that without the commitment the victim would read it.
    const bytes = reframe(env, sender.sign.secretKey, { header, body: (ad) => aeadEncrypt(pad(enc('a different note'), 256), ad, zeroNonce(), otherKey) });
    expect(codeOf(() => receive(bytes, sender, victim))).toBe('envelope_key_commitment_mismatch');
    expect(keyCommitment(otherKey, noteId)).not.toEqual(decodeField(env.header.commit));
  });

  it('padding: a valid AEAD over unpadded bytes is envelope_padding_invalid', () => {
    const sender = makeOfficer('fr-dgsi', 'jdupont');
    const fixed = [randomBytes(16), randomBytes(32), randomBytes(32)];
    const contentKey = (fixed[1] as Uint8Array).slice();
    let i = 0;
    const sealed = sealEnvelope(sealInput(sender, [sender], enc('x'), { random: () => (fixed[i++] as Uint8Array).slice() }));
    const env = parseEnvelope(sealed.bytes);
    const unpadded = [new Uint8Array(256).fill(0x41), new Uint8Array(256), Uint8Array.from({ length: 512 }, (_, k) => (k === 200 ? 0x80 : 0))];
    for (const body of unpadded) {
      expect(unpad(body, 256)).toBeNull();
      const bytes = reframe(env, sender.sign.secretKey, { body: (ad) => aeadEncrypt(body, ad, zeroNonce(), contentKey) });
      expect(codeOf(() => receive(bytes, sender, sender))).toBe('envelope_padding_invalid');
    }
    // The same route with proper padding opens, so the failures above are the padding's.
    const good = reframe(env, sender.sign.secretKey, { body: (ad) => aeadEncrypt(pad(enc('ok'), 256), ad, zeroNonce(), contentKey) });
    expect(dec(receive(good, sender, sender))).toBe('ok');
  });
});
