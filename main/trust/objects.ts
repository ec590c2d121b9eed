import { z } from 'zod';
import { Lacv, Oid } from '../../shared/labels/model';
import { base64urlBytes } from './base64url';
import { CountryCode } from './countries';
import {
  AgencyId,
  CategorySet,
  DisplayName,
  Ed25519PublicKey,
  OfficerId,
  OidSet,
  Serial,
  SerialSet,
  SignedClearance,
  Timestamp,
  X25519PublicKey,
  validityRefinement,
} from './fields';
import { defineSignedType, type Signed } from './signed';

/**
 * The signed objects of Entente's trust model, version 1 (docs/PROTOCOL.md §3 describes each with
 * test vectors). Schemas are strict: an unknown field is an error, not something to ignore, because a
 * field one implementation ignores and another honours would make them disagree about what was signed.
 */

const MiB = 1024 * 1024;
const VALIDITY = 'notBefore must be before notAfter';

/** An agency's public identity, self-signed by its root key; partners pin it by fingerprint. */
export const AgencyCardBody = z.strictObject({
  id: AgencyId,
  name: DisplayName,
  country: CountryCode,
  rootKey: Ed25519PublicKey,
  /** The policies (SPIF OIDs) the agency issues clearances under. */
  policies: OidSet(16).refine((p) => p.length > 0, 'at least one policy'),
  created: Timestamp,
});
export type AgencyCardBody = z.infer<typeof AgencyCardBody>;
export const AgencyCard = defineSignedType({ type: 'agency-card', body: AgencyCardBody, slots: { root: 'ed25519' }, maxBytes: 64 * 1024 });
export type AgencyCard = Signed<AgencyCardBody>;

/**
 * What an officer's app sends to its agency to be enrolled. Signed twice over the same bytes: by the
 * Ed25519 identity key and, with XEdDSA, by the X25519 agreement key: proof of possession of both.
 */
export const EnrolmentRequestBody = z.strictObject({
  officerId: OfficerId,
  name: DisplayName,
  identityKey: Ed25519PublicKey,
  agreementKey: X25519PublicKey,
  created: Timestamp,
});
export type EnrolmentRequestBody = z.infer<typeof EnrolmentRequestBody>;
export const EnrolmentRequest = defineSignedType({
  type: 'enrolment-request',
  body: EnrolmentRequestBody,
  slots: { identity: 'ed25519', agreement: 'xeddsa25519' },
  maxBytes: 64 * 1024,
});
export type EnrolmentRequest = Signed<EnrolmentRequestBody>;

/** An agency's statement about one officer: who, which keys, which clearance, for how long. */
export const CredentialBody = z
  .strictObject({
    serial: Serial,
    agency: AgencyId,
    officerId: OfficerId,
    name: DisplayName,
    nationality: CountryCode,
    clearance: SignedClearance,
    identityKey: Ed25519PublicKey,
    agreementKey: X25519PublicKey,
    notBefore: Timestamp,
    notAfter: Timestamp,
  })
  .refine(validityRefinement, VALIDITY);
export type CredentialBody = z.infer<typeof CredentialBody>;
export const Credential = defineSignedType({ type: 'credential', body: CredentialBody, slots: { issuer: 'ed25519' }, maxBytes: MiB });
export type Credential = Signed<CredentialBody>;

/**
 * A sharing agreement between two agencies, for one policy: what may flow between them (at most the
 * ceiling classification, only the permitted categories) and for how long. Names both root keys, so
 * a changed key on either side voids it. Valid only with both signatures.
 */
export const AgreementBody = z
  .strictObject({
    id: base64urlBytes(16),
    proposer: AgencyId,
    proposerKey: Ed25519PublicKey,
    partner: AgencyId,
    partnerKey: Ed25519PublicKey,
    policy: Oid,
    ceiling: Lacv,
    /** Restrictive and permissive values a label may carry; informative values are not restricted. */
    categories: CategorySet(4096),
    notBefore: Timestamp,
    notAfter: Timestamp,
  })
  .refine(validityRefinement, VALIDITY)
  .refine((a) => a.proposer !== a.partner, 'an agreement needs two different agencies');
export type AgreementBody = z.infer<typeof AgreementBody>;
export const Agreement = defineSignedType({ type: 'agreement', body: AgreementBody, slots: { proposer: 'ed25519', partner: 'ed25519' }, maxBytes: MiB });
export type Agreement = Signed<AgreementBody>;

/** Every serial an agency has revoked, cumulative; a higher sequence replaces a lower one. */
export const RevocationListBody = z.strictObject({
  agency: AgencyId,
  sequence: Serial,
  issued: Timestamp,
  serials: SerialSet(100_000),
});
export type RevocationListBody = z.infer<typeof RevocationListBody>;
export const RevocationList = defineSignedType({ type: 'revocation-list', body: RevocationListBody, slots: { issuer: 'ed25519' }, maxBytes: 4 * MiB });
export type RevocationList = Signed<RevocationListBody>;

/** A medium-term X25519 key an officer publishes for others to seal notes to; signed by the identity key. */
export const SignedPrekeyBody = z
  .strictObject({
    agency: AgencyId,
    officerId: OfficerId,
    identityKey: Ed25519PublicKey,
    prekeyId: Serial,
    key: X25519PublicKey,
    created: Timestamp,
    /** After this, senders must not use the prekey (its private half is deleted later, PROTOCOL.md). */
    expires: Timestamp,
  })
  .refine((p) => Date.parse(p.created) < Date.parse(p.expires), 'created must be before expires');
export type SignedPrekeyBody = z.infer<typeof SignedPrekeyBody>;
export const SignedPrekey = defineSignedType({ type: 'signed-prekey', body: SignedPrekeyBody, slots: { identity: 'ed25519' }, maxBytes: 64 * 1024 });
export type SignedPrekey = Signed<SignedPrekeyBody>;

/** Every signed object type, for routing files on import and for the property tests. */
export const SIGNED_TYPES = [AgencyCard, EnrolmentRequest, Credential, Agreement, RevocationList, SignedPrekey] as const;
