import { beforeAll, describe, expect, it } from 'vitest';
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dhKeyPair, signKeyPair, sodiumReady } from '../../../main/crypto/sodium';
import { montgomeryToEdwards } from '../../../main/crypto/xeddsa';
import { enrolmentFingerprint } from '../../../main/identity/officer';
import { decodeField, toBase64url } from '../../../main/trust/base64url';
import { agencyFingerprint, hexGroups } from '../../../main/trust/fingerprint';
import { safetyNumber } from '../../../main/trust/safety-number';
import { decodeSigned, encodeSigned, signedBytes } from '../../../main/trust/signed';
import { fixtureBodies, fixtureKeys, fixtureObjects, seeded, type FixtureObject } from '../../helpers/trust-fixtures';

/** `<!-- vector:NAME -->` followed by an inline `code` span or a fenced block. */
function vectorsOf(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /<!-- vector:([a-z0-9-]+) -->(?:`([^`]*)`|\s*```[a-z]*\n([\s\S]*?)\n```)/gi;
  for (const m of markdown.matchAll(re)) out.set(m[1] as string, (m[2] ?? m[3] ?? '').trim());
  return out;
}

/** Ed25519 verification by Node's OpenSSL: an implementation independent of libsodium. */
function opensslVerifies(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: toBase64url(publicKey) }, format: 'jwk' });
  return verify(null, message, key, signature);
}

describe('docs/PROTOCOL.md test vectors', () => {
  let doc: Map<string, string>;
  let expected: Map<string, string>;
  let objects: Record<string, FixtureObject>;

  beforeAll(async () => {
    await sodiumReady();
    doc = vectorsOf(readFileSync('docs/PROTOCOL.md', 'utf8'));
    const k = fixtureKeys();
    objects = fixtureObjects(k);
    const b = fixtureBodies(k);
    expected = new Map<string, string>();
    for (const [name, kp] of Object.entries(k)) expected.set(`key-${name}`, toBase64url(kp.publicKey));
    for (const [type, f] of Object.entries(objects)) expected.set(`file-${type}`, encodeSigned(f.obj).trimEnd());
    const card = objects['agency-card'] as FixtureObject;
    expected.set('signed-bytes-agency-card', Buffer.from(signedBytes(card.spec, card.obj.body)).toString('hex'));
    expected.set('fingerprint-agency', hexGroups(agencyFingerprint(b.card)));
    expected.set('fingerprint-enrolment', hexGroups(enrolmentFingerprint(b.request)));
    const jsmith = { officerId: 'jsmith', identityKey: toBase64url(signKeyPair(seeded(6)).publicKey), agreementKey: toBase64url(dhKeyPair(seeded(7)).publicKey) };
    expected.set('safety-number', safetyNumber({ officerId: 'jdupont', identityKey: b.request.identityKey, agreementKey: b.request.agreementKey }, jsmith).join(' '));
  });

  it('lists exactly the vectors the code produces, byte for byte', () => {
    expect([...doc.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, value] of expected) expect(doc.get(name), name).toBe(value);
  });

  it('every file vector decodes, and every signature verifies under OpenSSL as well as libsodium', () => {
    for (const f of Object.values(objects)) {
      const file = new TextEncoder().encode(doc.get(`file-${f.spec.type}`));
      const obj = decodeSigned(f.spec, file);
      const message = signedBytes(f.spec, obj.body);
      for (const [slot, key] of Object.entries(f.keys)) {
        const alg = f.spec.slots[slot];
        // XEdDSA is checked as Ed25519 under the Edwards form of the X25519 key (PROTOCOL.md §1).
        const edwards = alg === 'xeddsa25519' ? montgomeryToEdwards(key) : key;
        expect(edwards, `${f.spec.type}/${slot}`).not.toBeNull();
        expect(opensslVerifies(edwards as Uint8Array, message, decodeField(obj.sigs[slot] as string)), `${f.spec.type}/${slot}`).toBe(true);
      }
    }
  });
});
