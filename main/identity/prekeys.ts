import { EntenteError } from '../../shared/errors';
import { DH_SECRET_BYTES, dhKeyPair, wipe } from '../crypto/sodium';
import { asBlob } from '../store/blob';
import { decodeField, toBase64url } from '../trust/base64url';
import { toTimestamp, timestampMs } from '../trust/fields';
import { SignedPrekey, type CredentialBody, type SignedPrekeyBody } from '../trust/objects';
import { createSigned, decodeSigned, encodeSigned, requireValidSignature, type Signed } from '../trust/signed';
import type { OfficerIdentity } from './officer';
import type { Profile } from './profile';

/**
 * Signed prekeys (docs/TRUST.md §8, PROTOCOL.md): medium-term X25519 keys, signed by the identity key,
 * that senders combine with the identity key when they wrap a note's key. Because each prekey's
 * private half is deleted on a schedule, a device seized later cannot open notes sealed to prekeys it
 * no longer holds: the forward-secrecy window.
 *
 * Schedule (defaults): a new prekey every 7 days; the previous one is retired then and senders stop
 * using it when it expires (7 days after creation); its private half is deleted 30 days after it was
 * retired or expired, whichever is later — at least the relay's retention, so a note that waited at
 * the relay can still be opened. Window: at most 7 + 30 = 37 days from a note's sending.
 */
const DAY_MS = 86_400_000;

export interface PrekeySchedule {
  rotateEveryMs: number;
  deleteAfterRetirementMs: number;
}

export const DEFAULT_PREKEY_SCHEDULE: PrekeySchedule = { rotateEveryMs: 7 * DAY_MS, deleteAfterRetirementMs: 30 * DAY_MS };

/** A schedule that would delete a prekey before the relay stops delivering notes sealed to it is refused. */
export function checkSchedule(schedule: PrekeySchedule, relayRetentionMs: number): void {
  if (schedule.rotateEveryMs < 60_000) throw new EntenteError('invalid_input', 'prekeys cannot rotate more often than every minute');
  if (schedule.deleteAfterRetirementMs < relayRetentionMs) {
    throw new EntenteError('invalid_input', 'a retired prekey must be kept at least as long as the relay retains notes, or notes waiting at the relay could not be opened');
  }
}

export interface RotationReport {
  created: number | null;
  retired: number[];
  deleted: number[];
}


export interface PrekeyState {
  id: number;
  createdAt: string;
  expiresAt: string;
  retiredAt: string | null;
  deleteAfter: string | null;
  deletedAt: string | null;
}

interface Row extends PrekeyState {
  signed: string;
}

function rows(profile: Profile, where = ''): Row[] {
  return profile.db.connection
    .prepare(`SELECT prekey_id, created_at, expires_at, retired_at, delete_after, deleted_at, signed FROM prekeys ${where} ORDER BY prekey_id`)
    .all()
    .map((r) => ({
      id: Number(r.prekey_id),
      createdAt: String(r.created_at),
      expiresAt: String(r.expires_at),
      retiredAt: r.retired_at === null ? null : String(r.retired_at),
      deleteAfter: r.delete_after === null ? null : String(r.delete_after),
      deletedAt: r.deleted_at === null ? null : String(r.deleted_at),
      signed: String(r.signed),
    }));
}

/**
 * Brings the prekeys up to date at `now`: creates a new one when there is none or the current one is
 * due, retires the one it replaces, and deletes (wipes) private halves whose grace period is over.
 * Idempotent; the app runs it at unlock and periodically. Needs the officer's credential in force,
 * whose agency the signed prekey names.
 */
export function rotatePrekeys(profile: Profile, identity: OfficerIdentity, credential: Signed<CredentialBody>, now: number = Date.now(), schedule: PrekeySchedule = DEFAULT_PREKEY_SCHEDULE): RotationReport {
  if (credential.body.identityKey !== toBase64url(identity.signPublic)) throw new EntenteError('prekey_mismatch', 'the credential given is not this profile\'s');
  const report: RotationReport = { created: null, retired: [], deleted: [] };
  const conn = profile.db.connection;
  profile.db.transaction(() => {
    const active = rows(profile, 'WHERE retired_at IS NULL');
    const current = active.at(-1);
    if (current === undefined || now >= timestampMs(current.createdAt) + schedule.rotateEveryMs) {
      const id = (rows(profile).at(-1)?.id ?? 0) + 1;
      const kp = dhKeyPair();
      try {
        const body: SignedPrekeyBody = {
          agency: credential.body.agency,
          officerId: identity.officerId,
          identityKey: toBase64url(identity.signPublic),
          prekeyId: id,
          key: toBase64url(kp.publicKey),
          created: toTimestamp(now),
          expires: toTimestamp(now + schedule.rotateEveryMs),
        };
        const signed = createSigned(SignedPrekey, body, 'identity', identity.signSecret);
        conn.prepare('INSERT INTO prekeys (prekey_id, public, secret, created_at, expires_at, signed) VALUES (?, ?, ?, ?, ?, ?)').run([id, asBlob(kp.publicKey), asBlob(kp.secretKey), body.created, body.expires, encodeSigned(signed)]);
        report.created = id;
      } finally {
        wipe(kp.secretKey);
      }
      for (const old of active) {
        // Senders may use a prekey until it expires, even if retired early; count the grace from the later.
        const graceFrom = Math.max(now, timestampMs(old.expiresAt));
        conn.prepare('UPDATE prekeys SET retired_at = ?, delete_after = ? WHERE prekey_id = ?').run([toTimestamp(now), toTimestamp(graceFrom + schedule.deleteAfterRetirementMs), old.id]);
        report.retired.push(old.id);
      }
    }
    for (const due of rows(profile, 'WHERE deleted_at IS NULL AND delete_after IS NOT NULL')) {
      if (now < timestampMs(due.deleteAfter as string)) continue;
      // secure_delete (database.ts) overwrites the freed bytes in the page, not just unlinks them.
      conn.prepare('UPDATE prekeys SET secret = NULL, deleted_at = ? WHERE prekey_id = ?').run([toTimestamp(now), due.id]);
      report.deleted.push(due.id);
    }
  });
  return report;
}

/** The signed prekey senders should use now (the newest, not retired), if any. */
export function currentSignedPrekey(profile: Profile): Signed<SignedPrekeyBody> | undefined {
  const current = rows(profile, 'WHERE retired_at IS NULL').at(-1);
  return current === undefined ? undefined : decodeSigned(SignedPrekey, new TextEncoder().encode(current.signed));
}


export function prekeyStates(profile: Profile): PrekeyState[] {
  return rows(profile).map(({ signed: _signed, ...state }) => state);
}

/**
 * The private half of prekey `id`, to open a note sealed to it; held by the profile (wiped on lock).
 * `prekey_deleted` once its grace period is over: the note can no longer be opened, by design.
 */
export function prekeySecret(profile: Profile, id: number): Uint8Array {
  const row = profile.db.connection.prepare('SELECT secret FROM prekeys WHERE prekey_id = ?').get([id]);
  if (row === undefined) throw new EntenteError('prekey_deleted', `this profile never held prekey ${id}`);
  if (row.secret === null) throw new EntenteError('prekey_deleted', `prekey ${id} was deleted at the end of its grace period`);
  if (!(row.secret instanceof Uint8Array) || row.secret.length !== DH_SECRET_BYTES) throw new EntenteError('database_corrupt', `the stored prekey ${id} is damaged`);
  return profile.holdSecret(row.secret);
}

/**
 * A sender's check of a recipient's signed prekey: signed by the identity key of the recipient's
 * credential, for that officer and agency, and not expired.
 */
export function verifySignedPrekey(prekey: Signed<SignedPrekeyBody>, credential: Signed<CredentialBody>, now: number): Signed<SignedPrekeyBody> {
  const p = prekey.body;
  const c = credential.body;
  if (p.identityKey !== c.identityKey || p.officerId !== c.officerId || p.agency !== c.agency) {
    throw new EntenteError('prekey_mismatch', `the signed prekey is for ${p.officerId} (${p.agency}) with another identity key than the credential of ${c.officerId} (${c.agency})`);
  }
  requireValidSignature(SignedPrekey, prekey, 'identity', decodeField(c.identityKey), `${c.officerId}'s identity key`);
  if (now >= timestampMs(p.expires)) throw new EntenteError('prekey_expired', `prekey ${p.prekeyId} of ${p.officerId} expired at ${p.expires}`);
  if (now < timestampMs(p.created) - DAY_MS) throw new EntenteError('prekey_mismatch', `prekey ${p.prekeyId} of ${p.officerId} claims to be created in the future`);
  return prekey;
}
