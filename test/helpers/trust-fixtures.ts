import { dhKeyPair, signKeyPair, type KeyPair } from '../../main/crypto/sodium';
import { toBase64url } from '../../main/trust/base64url';
import {
  AgencyCard,
  Agreement,
  Credential,
  EnrolmentRequest,
  RevocationList,
  SignedPrekey,
  type AgencyCardBody,
  type AgreementBody,
  type CredentialBody,
  type EnrolmentRequestBody,
  type RevocationListBody,
  type SignedPrekeyBody,
} from '../../main/trust/objects';
import { addSignature, createSigned, type Signed, type SignedType } from '../../main/trust/signed';

/** Keys from fixed seeds: reproducible objects for tests and PROTOCOL.md's vectors. Never use elsewhere. */
export const seeded = (n: number): Uint8Array => new Uint8Array(32).fill(n);

export interface FixtureKeys {
  frRoot: KeyPair;
  ukRoot: KeyPair;
  officerSign: KeyPair;
  officerDh: KeyPair;
  prekey: KeyPair;
}

/** Call after sodiumReady(). */
export function fixtureKeys(): FixtureKeys {
  return {
    frRoot: signKeyPair(seeded(1)),
    ukRoot: signKeyPair(seeded(2)),
    officerSign: signKeyPair(seeded(3)),
    officerDh: dhKeyPair(seeded(4)),
    prekey: dhKeyPair(seeded(5)),
  };
}

export const NATO = '1.3.26.1.3.1';
/** Fixed XEdDSA randomness, so the enrolment request's bytes are reproducible. */
export const XEDDSA_RANDOM = new Uint8Array(64).fill(6);

export interface FixtureObject {
  spec: SignedType<unknown>;
  obj: Signed<unknown>;
  /** The public key that must verify each slot. */
  keys: Record<string, Uint8Array>;
}

export function fixtureBodies(k: FixtureKeys) {
  const card: AgencyCardBody = { id: 'fr-dgsi', name: 'Direction générale de la sécurité intérieure', country: 'FRA', rootKey: toBase64url(k.frRoot.publicKey), policies: [NATO], created: '2026-01-05T09:00:00Z' };
  const request: EnrolmentRequestBody = { officerId: 'jdupont', name: 'Jeanne Dupont', identityKey: toBase64url(k.officerSign.publicKey), agreementKey: toBase64url(k.officerDh.publicKey), created: '2026-01-06T10:00:00Z' };
  const credential: CredentialBody = {
    serial: 4_815_162_342,
    agency: 'fr-dgsi',
    officerId: 'jdupont',
    name: 'Jeanne Dupont',
    nationality: 'FRA',
    clearance: { policyId: NATO, classifications: [1, 2, 3, 4], categories: [{ tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 250 }] },
    identityKey: request.identityKey,
    agreementKey: request.agreementKey,
    notBefore: '2026-01-06T00:00:00Z',
    notAfter: '2027-01-06T00:00:00Z',
  };
  const agreement: AgreementBody = {
    id: toBase64url(new Uint8Array(16).fill(7)),
    proposer: 'fr-dgsi',
    proposerKey: toBase64url(k.frRoot.publicKey),
    partner: 'uk-demo',
    partnerKey: toBase64url(k.ukRoot.publicKey),
    policy: NATO,
    ceiling: 4,
    categories: [
      { tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 250 },
      { tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 826 },
    ],
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2027-01-01T00:00:00Z',
  };
  const crl: RevocationListBody = { agency: 'fr-dgsi', sequence: 3, issued: '2026-02-01T08:00:00Z', serials: [17, 4_815_162_342] };
  const prekey: SignedPrekeyBody = { agency: 'fr-dgsi', officerId: 'jdupont', identityKey: request.identityKey, prekeyId: 1, key: toBase64url(k.prekey.publicKey), created: '2026-01-06T10:00:00Z', expires: '2026-01-13T10:00:00Z' };
  return { card, request, credential, agreement, crl, prekey };
}

/** One complete, validly signed object of every type. */
export function fixtureObjects(k: FixtureKeys): Record<string, FixtureObject> {
  const b = fixtureBodies(k);
  const request = addSignature(EnrolmentRequest, createSigned(EnrolmentRequest, b.request, 'identity', k.officerSign.secretKey), 'agreement', k.officerDh.secretKey, XEDDSA_RANDOM);
  const agreement = addSignature(Agreement, createSigned(Agreement, b.agreement, 'proposer', k.frRoot.secretKey), 'partner', k.ukRoot.secretKey);
  const entry = <B>(spec: SignedType<B>, obj: Signed<B>, keys: Record<string, Uint8Array>): FixtureObject => ({ spec: spec as SignedType<unknown>, obj: obj as Signed<unknown>, keys });
  return {
    'agency-card': entry(AgencyCard, createSigned(AgencyCard, b.card, 'root', k.frRoot.secretKey), { root: k.frRoot.publicKey }),
    'enrolment-request': entry(EnrolmentRequest, request, { identity: k.officerSign.publicKey, agreement: k.officerDh.publicKey }),
    credential: entry(Credential, createSigned(Credential, b.credential, 'issuer', k.frRoot.secretKey), { issuer: k.frRoot.publicKey }),
    agreement: entry(Agreement, agreement, { proposer: k.frRoot.publicKey, partner: k.ukRoot.publicKey }),
    'revocation-list': entry(RevocationList, createSigned(RevocationList, b.crl, 'issuer', k.frRoot.secretKey), { issuer: k.frRoot.publicKey }),
    'signed-prekey': entry(SignedPrekey, createSigned(SignedPrekey, b.prekey, 'identity', k.officerSign.secretKey), { identity: k.officerSign.publicKey }),
  };
}
