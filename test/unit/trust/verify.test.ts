import { beforeAll, describe, expect, it } from 'vitest';
import { KDF_PARAMS, signKeyPair, sodiumReady } from '../../../main/crypto/sodium';
import { passphraseBytes } from '../../../main/identity/passphrase';
import { PolicyRegistry } from '../../../main/policy';
import { decodeField, toBase64url } from '../../../main/trust/base64url';
import { verifyEnrolmentRequest } from '../../../main/trust/issue';
import { AgencyCard, Credential, EnrolmentRequest, type CredentialBody } from '../../../main/trust/objects';
import { createRootKey, openRootKey, parseRootKey, serialiseRootKey } from '../../../main/trust/root-key-file';
import { addSignature, createSigned, encodeSigned, type Signed } from '../../../main/trust/signed';
import { cardAgainstPin, verifyCredential, type PinnedAgency } from '../../../main/trust/verify';
import { shippedPolicyTexts } from '../../../cli/policies';
import { fixtureBodies, fixtureKeys, type FixtureKeys } from '../../helpers/trust-fixtures';

const bytes = (s: string) => new TextEncoder().encode(s);
const code = (c: string) => expect.objectContaining({ code: c });

describe('verification against pinned agencies', () => {
  let k: FixtureKeys;
  let registry: PolicyRegistry;
  let pinned: PinnedAgency;
  let body: CredentialBody;
  const now = Date.parse('2026-06-01T00:00:00Z');
  const sign = (b: CredentialBody, key = k.frRoot.secretKey) => createSigned(Credential, b, 'issuer', key);

  beforeAll(async () => {
    await sodiumReady();
    k = fixtureKeys();
    registry = new PolicyRegistry();
    for (const spif of shippedPolicyTexts()) registry.loadSpif(spif);
    const b = fixtureBodies(k);
    pinned = { id: 'fr-dgsi', rootKey: k.frRoot.publicKey, card: createSigned(AgencyCard, b.card, 'root', k.frRoot.secretKey) };
    body = b.credential;
  });

  it('accepts a credential signed by the pinned root, valid now, with a known clearance', () => {
    expect(verifyCredential(sign(body), { agency: pinned, registry, now }).body.serial).toBe(body.serial);
  });

  it('refuses: unknown agency, bad signature, expired, not yet valid', () => {
    const ctx = { agency: pinned, registry, now };
    expect(() => verifyCredential(sign(body), { ...ctx, agency: undefined })).toThrow(code('trust_unknown_agency'));
    expect(() => verifyCredential(sign({ ...body, agency: 'uk-demo' }), ctx)).toThrow(code('trust_unknown_agency'));
    expect(() => verifyCredential(sign(body, k.ukRoot.secretKey), ctx)).toThrow(code('signature_invalid'));
    const forged: Signed<CredentialBody> = { ...sign(body), body: { ...body, notAfter: '2030-01-01T00:00:00Z' } };
    expect(() => verifyCredential(forged, ctx)).toThrow(code('signature_invalid'));
    expect(() => verifyCredential(sign(body), { ...ctx, now: Date.parse(body.notAfter) })).toThrow(code('credential_expired'));
    expect(() => verifyCredential(sign(body), { ...ctx, now: Date.parse(body.notBefore) - 1000 })).toThrow(code('credential_not_yet_valid'));
  });

  it('refuses a clearance the policy does not know, under a policy not on the card, or not loaded', () => {
    const ctx = { agency: pinned, registry, now };
    const withClearance = (c: Partial<CredentialBody['clearance']>) => sign({ ...body, clearance: { ...body.clearance, ...c } });
    expect(() => verifyCredential(withClearance({ classifications: [1, 9] }), ctx)).toThrow(code('credential_clearance_unknown'));
    expect(() => verifyCredential(withClearance({ categories: [{ tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 7777 }] }), ctx)).toThrow(code('credential_clearance_unknown'));
    expect(() => verifyCredential(withClearance({ policyId: '2.999.208272260.1', categories: [] }), ctx)).toThrow(code('credential_clearance_unknown'));
    expect(() => verifyCredential(sign(body), { ...ctx, registry: new PolicyRegistry() })).toThrow(code('credential_clearance_unknown'));
  });

  it('pins a new card, keeps or updates one with the same key, refuses one with another key', () => {
    const b = fixtureBodies(k).card;
    expect(cardAgainstPin(pinned.card, undefined)).toBe('new');
    expect(cardAgainstPin(pinned.card, pinned)).toBe('unchanged');
    const newer = createSigned(AgencyCard, { ...b, name: 'DGSI', created: '2026-03-01T00:00:00Z' }, 'root', k.frRoot.secretKey);
    expect(cardAgainstPin(newer, pinned)).toBe('updated');
    const rekeyed = createSigned(AgencyCard, { ...b, rootKey: toBase64url(k.ukRoot.publicKey) }, 'root', k.ukRoot.secretKey);
    expect(() => cardAgainstPin(rekeyed, pinned)).toThrow(code('trust_card_key_changed'));
    const notSelfSigned = createSigned(AgencyCard, b, 'root', k.ukRoot.secretKey);
    expect(() => cardAgainstPin(notSelfSigned, undefined)).toThrow(code('signature_invalid'));
  });
});

describe('enrolment requests: proof of possession of both keys', () => {
  let k: FixtureKeys;
  beforeAll(async () => {
    await sodiumReady();
    k = fixtureKeys();
  });

  const file = (obj: Signed<unknown>) => bytes(encodeSigned(obj));

  it('accepts a request signed by its identity key and proven by its agreement key', () => {
    const body = fixtureBodies(k).request;
    const req = addSignature(EnrolmentRequest, createSigned(EnrolmentRequest, body, 'identity', k.officerSign.secretKey), 'agreement', k.officerDh.secretKey);
    expect(verifyEnrolmentRequest(file(req)).body.officerId).toBe('jdupont');
  });

  it("refuses someone else's X25519 key: the identity signature is right but the XEdDSA proof is not", () => {
    const body = { ...fixtureBodies(k).request, agreementKey: toBase64url(k.prekey.publicKey) };
    const req = addSignature(EnrolmentRequest, createSigned(EnrolmentRequest, body, 'identity', k.officerSign.secretKey), 'agreement', k.officerDh.secretKey);
    expect(() => verifyEnrolmentRequest(file(req))).toThrow(code('enrolment_proof_invalid'));
  });

  it("refuses someone else's identity key, and a request without the second proof", () => {
    const body = { ...fixtureBodies(k).request, identityKey: toBase64url(signKeyPair().publicKey) };
    const req = addSignature(EnrolmentRequest, createSigned(EnrolmentRequest, body, 'identity', k.officerSign.secretKey), 'agreement', k.officerDh.secretKey);
    expect(() => verifyEnrolmentRequest(file(req))).toThrow(code('enrolment_proof_invalid'));
    const half = createSigned(EnrolmentRequest, fixtureBodies(k).request, 'identity', k.officerSign.secretKey);
    expect(() => verifyEnrolmentRequest(file(half))).toThrow(code('enrolment_proof_invalid'));
  });
});

describe('the agency root key file', () => {
  beforeAll(() => sodiumReady());
  const pass = () => passphraseBytes('root pass');

  it('opens with the passphrase and gives back the same key', async () => {
    const { keys, file } = await createRootKey('fr-dgsi', pass(), KDF_PARAMS.INTERACTIVE);
    const reread = parseRootKey(bytes(serialiseRootKey(file)));
    expect((await openRootKey(reread, pass())).publicKey).toEqual(keys.publicKey);
    await expect(openRootKey(reread, passphraseBytes('wrong'))).rejects.toThrow(code('passphrase_wrong'));
  });

  it('binds every header field: a swapped public key, agency id or weaker KDF does not open', async () => {
    const { file } = await createRootKey('fr-dgsi', pass(), KDF_PARAMS.INTERACTIVE);
    const other = toBase64url(signKeyPair().publicKey);
    for (const changed of [{ ...file, publicKey: other }, { ...file, agency: 'fr-other' }, { ...file, kdf: { ...file.kdf, opslimit: 3 } }]) {
      await expect(openRootKey(changed, pass())).rejects.toThrow(code('passphrase_wrong'));
    }
    expect(decodeField(file.publicKey)).toHaveLength(32);
    expect(() => parseRootKey(bytes('{"format":"x"}'))).toThrow(code('agency_key_corrupt'));
    expect(() => parseRootKey(bytes(serialiseRootKey(file).replace('"version": 1', '"version": 2')))).toThrow(code('agency_key_corrupt'));
  });
});

describe('the credential verification cache', () => {
  it('skips only the signature for the same bytes under the same root key; time is re-checked', async () => {
    await sodiumReady();
    const k = fixtureKeys();
    const registry = new PolicyRegistry();
    for (const spif of shippedPolicyTexts()) registry.loadSpif(spif);
    const b = fixtureBodies(k);
    const agency = { id: 'fr-dgsi', rootKey: k.frRoot.publicKey, card: createSigned(AgencyCard, b.card, 'root', k.frRoot.secretKey) };
    const now = Date.parse('2026-06-01T00:00:00Z');
    const cred = createSigned(Credential, b.credential, 'issuer', k.frRoot.secretKey);
    const { CredentialVerifier } = await import('../../../main/trust/credential-cache');
    const cache = new CredentialVerifier(2);
    cache.verify(cred, { agency, registry, now });
    cache.verify(cred, { agency, registry, now });
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
    expect(() => cache.verify(cred, { agency, registry, now: Date.parse(b.credential.notAfter) })).toThrow(code('credential_expired'));
    // Altered bytes, or another key pinned for the agency: a miss, and the signature fails.
    const altered = { ...cred, body: { ...cred.body, name: 'Someone Else' } };
    expect(() => cache.verify(altered, { agency, registry, now })).toThrow(code('signature_invalid'));
    expect(() => cache.verify(cred, { agency: { ...agency, rootKey: k.ukRoot.publicKey }, registry, now })).toThrow(code('signature_invalid'));
    expect(cache.hits).toBe(2);
    // From file bytes (the same bytes as the object's file form, so the same entry): a hit skips
    // decoding as well; an unpinned agency is refused on a hit too.
    const bytesCtx = { agencyOf: (id: string) => (id === 'fr-dgsi' ? agency : undefined), registry, now };
    const file = new TextEncoder().encode(encodeSigned(cred));
    expect(cache.verifyBytes(file, bytesCtx).body.serial).toBe(b.credential.serial);
    expect(cache.verifyBytes(file, bytesCtx).body.serial).toBe(b.credential.serial);
    expect(cache.hits).toBe(4);
    expect(() => cache.verifyBytes(file, { ...bytesCtx, agencyOf: () => undefined })).toThrow(code('trust_unknown_agency'));
  });
});
