import { z } from 'zod';
import type { EncryptedDatabase } from './database';
import { int, text } from './note-rows';
import { Millis, OfficerRefInput, checked, type OfficerRef, type PeerPrekey } from './note-types';

/**
 * Other officers' signed prekeys (migration 6), kept as the signed object's exact text. The caller
 * verifies each one against the officer's credential before storing and again before use.
 */

const PrekeyId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const SignedText = z.string().min(1).max(65_536);

/**
 * 'unchanged' when the same text is held. Another text under the same id replaces it and counts as
 * 'new': a re-created profile numbers its prekeys from 1 again, and the caller verified this one.
 */
export function putPeerPrekey(db: EncryptedDatabase, who: OfficerRef, prekeyId: number, expiresAt: number, signed: string): 'new' | 'unchanged' {
  const w = checked(OfficerRefInput, who, 'officer');
  const id = checked(PrekeyId, prekeyId, 'prekey id');
  const expires = checked(Millis, expiresAt, 'expiry');
  const body = checked(SignedText, signed, 'signed prekey');
  return db.transaction(() => {
    const conn = db.connection;
    const held = conn.prepare('SELECT signed, expires_at FROM peer_prekeys WHERE agency_id = ? AND officer_id = ? AND prekey_id = ?').get([w.agency, w.officerId, id]);
    if (held !== undefined && held.signed === body && held.expires_at === expires) return 'unchanged';
    conn
      .prepare('INSERT INTO peer_prekeys (agency_id, officer_id, prekey_id, expires_at, signed) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET expires_at = excluded.expires_at, signed = excluded.signed')
      .run([w.agency, w.officerId, id, expires, body]);
    return 'new';
  });
}

/** Newest (highest id) first. */
export function peerPrekeys(db: EncryptedDatabase, who: OfficerRef): PeerPrekey[] {
  const w = checked(OfficerRefInput, who, 'officer');
  return db.connection
    .prepare('SELECT prekey_id, expires_at, signed FROM peer_prekeys WHERE agency_id = ? AND officer_id = ? ORDER BY prekey_id DESC')
    .all([w.agency, w.officerId])
    .map((r) => ({ prekeyId: int(r, 'prekey_id'), expiresAt: int(r, 'expires_at'), signed: text(r, 'signed') }));
}

export function prunePeerPrekeys(db: EncryptedDatabase, expiredBefore: number): number {
  const t = checked(Millis, expiredBefore, 'time');
  return db.connection.prepare('DELETE FROM peer_prekeys WHERE expires_at < ?').run([t]).changes;
}
