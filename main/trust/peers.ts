import { EntenteError } from '../../shared/errors';
import { constantTimeEqual } from '../crypto/sodium';
import type { OfficerIdentity } from '../identity/officer';
import { NO_AUDIT, type AuditSink } from '../audit/sink';
import { asBlob } from '../store/blob';
import type { EncryptedDatabase } from '../store/database';
import { decodeField, toBase64url } from './base64url';
import { timestampMs, toTimestamp } from './fields';
import type { CredentialBody } from './objects';
import { safetyNumber } from './safety-number';

/**
 * Other officers' keys as last seen in their credentials, and whether their safety number was
 * verified (docs/TRUST.md §7). First contact is allowed on the strength of the credential (signed by a
 * pinned agency); a later change of keys clears the verified mark and blocks sending to that officer
 * until the new safety number is compared and marked verified again: the one moment a substituted
 * key would show, and the app does not let it pass silently.
 */

export interface PeerStatus {
  agency: string;
  officerId: string;
  /** 12 groups of 5 digits, the same on both officers' screens. */
  safetyNumber: string[];
  verified: boolean;
  keyChanged: boolean;
  /** False only after a key change not yet re-verified. */
  sendable: boolean;
}

interface PeerRow {
  identityKey: Uint8Array;
  agreementKey: Uint8Array;
  notBefore: string;
  verifiedAt: string | null;
  keyChangedAt: string | null;
}

function row(db: EncryptedDatabase, agency: string, officerId: string): PeerRow | undefined {
  const r = db.connection.prepare('SELECT identity_key, agreement_key, not_before, verified_at, key_changed_at FROM peer_keys WHERE agency_id = ? AND officer_id = ?').get([agency, officerId]);
  if (r === undefined) return undefined;
  if (!(r.identity_key instanceof Uint8Array) || !(r.agreement_key instanceof Uint8Array)) throw new EntenteError('database_corrupt', 'a stored peer key is damaged');
  return {
    identityKey: r.identity_key,
    agreementKey: r.agreement_key,
    notBefore: String(r.not_before),
    verifiedAt: r.verified_at === null ? null : String(r.verified_at),
    keyChangedAt: r.key_changed_at === null ? null : String(r.key_changed_at),
  };
}

/**
 * Records the keys of another officer's (verified) credential. A credential older than the one the
 * keys were last taken from changes nothing, so re-importing an old credential cannot flip keys back.
 * A change of keys is recorded as `key_change_detected`, in the caller's transaction.
 */
export function observePeer(db: EncryptedDatabase, credential: CredentialBody, now: number, audit: AuditSink = NO_AUDIT): 'new' | 'unchanged' | 'key_changed' {
  const held = row(db, credential.agency, credential.officerId);
  const identityKey = decodeField(credential.identityKey);
  const agreementKey = decodeField(credential.agreementKey);
  if (held === undefined) {
    db.connection
      .prepare('INSERT INTO peer_keys (agency_id, officer_id, identity_key, agreement_key, not_before, first_seen) VALUES (?, ?, ?, ?, ?, ?)')
      .run([credential.agency, credential.officerId, asBlob(identityKey), asBlob(agreementKey), credential.notBefore, toTimestamp(now)]);
    return 'new';
  }
  if (constantTimeEqual(held.identityKey, identityKey) && constantTimeEqual(held.agreementKey, agreementKey)) return 'unchanged';
  if (timestampMs(credential.notBefore) < timestampMs(held.notBefore)) return 'unchanged';
  db.connection
    .prepare('UPDATE peer_keys SET identity_key = ?, agreement_key = ?, not_before = ?, verified_at = NULL, key_changed_at = ? WHERE agency_id = ? AND officer_id = ?')
    .run([asBlob(identityKey), asBlob(agreementKey), credential.notBefore, toTimestamp(now), credential.agency, credential.officerId]);
  audit.record({
    type: 'key_change_detected',
    outcome: 'ok',
    subjects: [`${credential.agency}/${credential.officerId}`],
    details: { serial: credential.serial, wasVerified: held.verifiedAt !== null },
  });
  return 'key_changed';
}

function requireRow(db: EncryptedDatabase, agency: string, officerId: string): PeerRow {
  const r = row(db, agency, officerId);
  if (r === undefined) throw new EntenteError('peer_unknown', `there is no credential of ${officerId} (${agency}) in this profile`);
  return r;
}

const ownKeys = (me: OfficerIdentity) => ({ officerId: me.officerId, identityKey: toBase64url(me.signPublic), agreementKey: toBase64url(me.dhPublic) });

export function peerStatus(db: EncryptedDatabase, me: OfficerIdentity, agency: string, officerId: string): PeerStatus {
  const r = requireRow(db, agency, officerId);
  const theirs = { officerId, identityKey: toBase64url(r.identityKey), agreementKey: toBase64url(r.agreementKey) };
  const keyChanged = r.keyChangedAt !== null;
  return { agency, officerId, safetyNumber: safetyNumber(ownKeys(me), theirs), verified: r.verifiedAt !== null, keyChanged, sendable: !keyChanged || r.verifiedAt !== null };
}

/**
 * Marks the officer verified, given the safety number the two officers compared (spaces ignored). If
 * the keys changed since it was displayed, the numbers differ and nothing is marked. Both outcomes are
 * recorded as `safety_number_verified` (ok or refused).
 */
export function markVerified(db: EncryptedDatabase, me: OfficerIdentity, agency: string, officerId: string, compared: string, now: number, audit: AuditSink = NO_AUDIT): PeerStatus {
  const status = peerStatus(db, me, agency, officerId);
  const subjects = [`${agency}/${officerId}`];
  if (compared.replace(/\s+/g, '') !== status.safetyNumber.join('')) {
    audit.record({ type: 'safety_number_verified', outcome: 'refused', actor: 'self', code: 'safety_number_mismatch', subjects });
    throw new EntenteError('safety_number_mismatch', `the safety number given is not the current one for ${officerId} (${agency}); compare again`);
  }
  db.transaction(() => {
    db.connection.prepare('UPDATE peer_keys SET verified_at = ?, key_changed_at = NULL WHERE agency_id = ? AND officer_id = ?').run([toTimestamp(now), agency, officerId]);
    audit.record({ type: 'safety_number_verified', outcome: 'ok', actor: 'self', subjects, details: { afterKeyChange: status.keyChanged } });
  });
  return peerStatus(db, me, agency, officerId);
}

export function clearVerified(db: EncryptedDatabase, agency: string, officerId: string): void {
  requireRow(db, agency, officerId);
  db.connection.prepare('UPDATE peer_keys SET verified_at = NULL WHERE agency_id = ? AND officer_id = ?').run([agency, officerId]);
}

/** Throws `safety_number_changed` when the officer's keys changed and were not verified since. */
export function requireSendable(db: EncryptedDatabase, me: OfficerIdentity, agency: string, officerId: string): void {
  const status = peerStatus(db, me, agency, officerId);
  if (!status.sendable) {
    throw new EntenteError('safety_number_changed', `the keys of ${officerId} (${agency}) changed; compare the new safety number with them and mark it verified before sending`);
  }
}
