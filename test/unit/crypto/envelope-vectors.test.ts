import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openEnvelope, parseEnvelope, sealEnvelope, verifyEnvelopeSignature } from '../../../main/crypto/envelope';
import { dhPublicKey, signKeyPair, sodiumReady } from '../../../main/crypto/sodium';
import { EntenteError } from '../../../shared/errors';
import { canonicalJson } from '../../../shared/labels/canonical-json';
import { VECTOR_KEYS, VECTOR_PLAINTEXT, computeVectors, hex, vectorSealInput, xchachaZeroNonce } from './envelope-vectors';

/** `<!-- envelope:NAME -->` followed by an inline `code` span or a fenced block (hex may wrap over lines). */
function envelopeVectorsOf(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /<!-- envelope:([a-z0-9-]+) -->(?:`([^`]*)`|\s*```[a-z]*\n([\s\S]*?)\n```)/gi;
  for (const m of markdown.matchAll(re)) {
    const name = m[1] as string;
    const text = (m[2] ?? m[3] ?? '').trim();
    out.set(name, name === 'header' ? text : text.replace(/\s+/g, ''));
  }
  return out;
}

const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

describe('docs/PROTOCOL.md §7 sealed-envelope test vectors', () => {
  let doc: Map<string, string>;
  let computed: Map<string, string>;

  beforeAll(async () => {
    await sodiumReady();
    doc = envelopeVectorsOf(readFileSync('docs/PROTOCOL.md', 'utf8'));
    computed = computeVectors();
  });

  it('XChaCha20-Poly1305 built on OpenSSL agrees with libsodium (the independent route is sound)', async () => {
    const { aeadEncrypt } = await import('../../../main/crypto/sodium');
    const key = new Uint8Array(32).map((_, i) => i * 7);
    const ad = new TextEncoder().encode('associated');
    const text = new Uint8Array(300).map((_, i) => i);
    expect(hex(xchachaZeroNonce(key, ad, text))).toBe(hex(aeadEncrypt(text, ad, new Uint8Array(24), key)));
  });

  it('the document lists exactly the values an independent computation gives, byte for byte', () => {
    expect([...doc.keys()].sort()).toEqual([...computed.keys()].sort());
    for (const [name, value] of computed) expect(doc.get(name), name).toBe(value);
  });

  it('sealEnvelope with the fixed keys and randomness writes exactly the documented envelope', () => {
    const sealed = sealEnvelope(vectorSealInput({ signSecret: signKeyPair(VECTOR_KEYS.senderSeed).secretKey, dhPublic: dhPublicKey }));
    expect(hex(sealed.bytes)).toBe(doc.get('envelope'));
    expect(canonicalJson(sealed.header)).toBe(doc.get('header'));
  });

  it('the documented envelope parses, verifies (libsodium and OpenSSL) and opens for each recipient', () => {
    const bytes = fromHex(doc.get('envelope') as string);
    const env = parseEnvelope(bytes);
    const senderPublic = fromHex(doc.get('sender-public') as string);
    verifyEnvelopeSignature(env, senderPublic);
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(senderPublic).toString('base64url') }, format: 'jwk' });
    const message = Buffer.concat([Buffer.from('entente/v1/envelope\u0000'), bytes.subarray(0, bytes.length - 64)]);
    expect(verify(null, message, key, env.signature)).toBe(true);
    expect(hex(env.ciphertext)).toBe(doc.get('ciphertext'));
    expect(hex(env.signature)).toBe(doc.get('signature'));
    for (const r of VECTOR_KEYS.recipients) {
      const text = openEnvelope(env, {
        agency: r.agency,
        officerId: r.officerId,
        identityDhSecret: r.identitySecret,
        prekeySecret: (id) => {
          if (id !== r.prekeyId) throw new EntenteError('prekey_deleted', 'not this prekey');
          return r.prekeySecret;
        },
      });
      expect(new TextDecoder().decode(text), r.name).toBe(VECTOR_PLAINTEXT);
    }
  });
});
