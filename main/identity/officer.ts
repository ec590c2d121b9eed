import { EntenteError } from '../../shared/errors';
import { DH_PUBLIC_BYTES, DH_SECRET_BYTES, SIGN_PUBLIC_BYTES, SIGN_SECRET_BYTES, dhKeyPair, signKeyPair, wipe } from '../crypto/sodium';
import { toBase64url } from '../trust/base64url';
import { DisplayName, OfficerId, toTimestamp } from '../trust/fields';
import { fingerprint, hexGroups } from '../trust/fingerprint';
import { EnrolmentRequest, type EnrolmentRequestBody } from '../trust/objects';
import { addSignature, createSigned, type Signed } from '../trust/signed';
import { asBlob } from '../store/blob';
import type { Profile } from './profile';
import { NO_AUDIT, type AuditSink } from '../audit/sink';

/**
 * The officer's long-term identity: an Ed25519 key that signs (enrolment, prekeys, notes, audit
 * checkpoints) and an X25519 key that receives (the identity half of every note's key wrap). Both are
 * created inside the encrypted profile and never leave it; their public halves go out in the
 * enrolment request and come back inside the credential.
 */
export interface OfficerIdentity {
  officerId: string;
  name: string;
  signPublic: Uint8Array;
  /** Held by the profile: wiped when it locks. */
  signSecret: Uint8Array;
  dhPublic: Uint8Array;
  /** Held by the profile: wiped when it locks. */
  dhSecret: Uint8Array;
  createdAt: string;
}

/**
 * Creates the identity keys in a profile that has none (`identity_exists` otherwise). Records
 * `identity_created` (or the refusal) in the profile's audit history.
 */
export function createIdentity(profile: Profile, officerId: string, name: string, now: number = Date.now(), audit: AuditSink = profile.audit): OfficerIdentity {
  const id = OfficerId.safeParse(officerId);
  if (!id.success) throw new EntenteError('invalid_input', `officer id: ${id.error.issues[0]?.message ?? 'invalid'}`);
  const display = DisplayName.safeParse(name.normalize('NFC'));
  if (!display.success) throw new EntenteError('invalid_input', `name: ${display.error.issues[0]?.message ?? 'invalid'}`);
  const sign = signKeyPair();
  const agree = dhKeyPair();
  const createdAt = toTimestamp(now);
  try {
    profile.db.transaction(() => {
      const exists = profile.db.connection.prepare('SELECT count(*) FROM identity', { pluck: true }).get();
      if (exists !== 0) throw new EntenteError('identity_exists', 'This profile already has identity keys; they are never replaced in place.');
      profile.db.connection
        .prepare('INSERT INTO identity (id, officer_id, name, sign_public, sign_secret, dh_public, dh_secret, created_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?)')
        .run([id.data, display.data, asBlob(sign.publicKey), asBlob(sign.secretKey), asBlob(agree.publicKey), asBlob(agree.secretKey), createdAt]);
      const keys = { officerId: id.data, identityKey: toBase64url(sign.publicKey), agreementKey: toBase64url(agree.publicKey) };
      audit.record({ type: 'identity_created', outcome: 'ok', actor: 'self', subjects: [id.data], details: { fingerprint: hexGroups(enrolmentFingerprint(keys)) } });
    });
  } catch (err) {
    if (err instanceof EntenteError && err.code === 'identity_exists') audit.record({ type: 'identity_created', outcome: 'refused', actor: 'self', code: err.code, subjects: [id.data] });
    throw err;
  } finally {
    wipe(sign.secretKey, agree.secretKey);
  }
  return loadIdentity(profile);
}

const blob = (v: unknown, length: number, what: string): Uint8Array => {
  if (!(v instanceof Uint8Array) || v.length !== length) throw new EntenteError('database_corrupt', `the stored ${what} is damaged`);
  return v;
};
const text = (v: unknown, what: string): string => {
  if (typeof v !== 'string') throw new EntenteError('database_corrupt', `the stored ${what} is damaged`);
  return v;
};

/** The identity of an unlocked profile; its secrets are registered with the profile for wiping on lock. */
export function loadIdentity(profile: Profile): OfficerIdentity {
  const row = profile.db.connection.prepare('SELECT * FROM identity WHERE id = 1').get();
  if (row === undefined) throw new EntenteError('identity_missing', 'This profile has no identity keys yet; run `entente profile init`.');
  return {
    officerId: text(row.officer_id, 'officer id'),
    name: text(row.name, 'name'),
    signPublic: blob(row.sign_public, SIGN_PUBLIC_BYTES, 'signing key'),
    signSecret: profile.holdSecret(blob(row.sign_secret, SIGN_SECRET_BYTES, 'signing key')),
    dhPublic: blob(row.dh_public, DH_PUBLIC_BYTES, 'agreement key'),
    dhSecret: profile.holdSecret(blob(row.dh_secret, DH_SECRET_BYTES, 'agreement key')),
    createdAt: text(row.created_at, 'creation time'),
  };
}

/**
 * The request an agency signs a credential for: signed by the identity key and, by XEdDSA, the agreement
 * key. Recorded as `enrolment_request_created` when given the profile's audit log.
 */
export function enrolmentRequest(identity: OfficerIdentity, now: number = Date.now(), audit: AuditSink = NO_AUDIT): Signed<EnrolmentRequestBody> {
  const body: EnrolmentRequestBody = {
    officerId: identity.officerId,
    name: identity.name,
    identityKey: toBase64url(identity.signPublic),
    agreementKey: toBase64url(identity.dhPublic),
    created: toTimestamp(now),
  };
  const request = addSignature(EnrolmentRequest, createSigned(EnrolmentRequest, body, 'identity', identity.signSecret), 'agreement', identity.dhSecret);
  audit.record({ type: 'enrolment_request_created', outcome: 'ok', actor: 'self', subjects: [identity.officerId], details: { fingerprint: hexGroups(enrolmentFingerprint(body)) } });
  return request;
}

/**
 * What the agency's security officer compares with the officer in person before issuing: both public
 * keys and the officer id. The same value is shown by `profile show` and `agency issue`.
 */
export const enrolmentFingerprint = (body: Pick<EnrolmentRequestBody, 'officerId' | 'identityKey' | 'agreementKey'>): Uint8Array =>
  fingerprint('enrolment', { officerId: body.officerId, identityKey: body.identityKey, agreementKey: body.agreementKey });
