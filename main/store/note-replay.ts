import { EntenteError } from '../../shared/errors';
import type { EncryptedDatabase } from './database';
import { getMeta, setMeta } from './meta';
import { corrupt } from './note-rows';
import { z } from 'zod';
import { AgencyId, OfficerId, Serial } from '../trust/fields';
import { Count, Millis, RecordId, SeenInput, checked, type OfficerRef } from './note-types';

export type SenderRef = OfficerRef & { serial: number };
const SenderInput = z.object({ agency: AgencyId, officerId: OfficerId, serial: Serial });

/**
 * Replay protection (PROTOCOL.md receive pipeline): the set of note ids already accepted and, per
 * sender credential, which note each sequence number named. Sequences are scoped by the credential's
 * serial: an officer enrolled again on a new workstation starts again at 1 under a new credential, and
 * must not be refused for the 31 days the old sequence numbers stay in this set. The database constraints enforce both, so even a
 * caller that skipped the checks cannot record a replay.
 */

export function seen(db: EncryptedDatabase, id: string): boolean {
  const noteId = checked(RecordId, id, 'note id');
  return db.connection.prepare('SELECT 1 FROM seen_notes WHERE note_id = ?', { pluck: true }).get([noteId]) !== undefined;
}

export function noteIdForSequence(db: EncryptedDatabase, sender: SenderRef, seq: number): string | undefined {
  const who = checked(SenderInput, sender, 'sender');
  const n = checked(Count, seq, 'sequence');
  const v = db.connection
    .prepare('SELECT note_id FROM seen_notes WHERE sender_agency = ? AND sender_officer = ? AND sender_serial = ? AND sender_seq = ?', { pluck: true })
    .get([who.agency, who.officerId, who.serial, n]);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw corrupt('a seen note id is not text');
  return v;
}

/** note_replayed when the id was seen, note_sequence_reused when the sequence named another note. */
export function recordSeen(db: EncryptedDatabase, input: { noteId: string; sender: SenderRef; seq: number; noteTime: number; seenAt: number }): void {
  const e = checked(SeenInput, input, 'seen note');
  db.transaction(() => {
    if (seen(db, e.noteId)) throw new EntenteError('note_replayed', 'This note was already received; the copy was ignored.');
    if (noteIdForSequence(db, e.sender, e.seq) !== undefined) {
      throw new EntenteError('note_sequence_reused', `${e.sender.officerId} (${e.sender.agency}) already used sequence number ${e.seq} for another note.`);
    }
    db.connection
      .prepare('INSERT INTO seen_notes (note_id, sender_agency, sender_officer, sender_serial, sender_seq, note_time, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run([e.noteId, e.sender.agency, e.sender.officerId, e.sender.serial, e.seq, e.noteTime, e.seenAt]);
  });
}

/** Forgets entries for notes older than `noteTime` (the freshness window refuses those anyway). */
export function forgetSeenBefore(db: EncryptedDatabase, noteTime: number): number {
  const t = checked(Millis, noteTime, 'time');
  return db.connection.prepare('DELETE FROM seen_notes WHERE note_time < ?').run([t]).changes;
}

const SEND_SEQ = 'send_seq';

/** The next sequence number for a note this officer sends: 1, 2, 3…, never reused, kept across restarts. */
export function nextSendSequence(db: EncryptedDatabase): number {
  return db.transaction(() => {
    const held = getMeta(db, SEND_SEQ);
    let current = 0;
    if (held !== null) {
      current = /^[1-9][0-9]{0,15}$/.test(held) ? Number(held) : NaN;
      if (!Number.isSafeInteger(current)) throw corrupt('the send sequence is not a number');
    }
    const next = current + 1;
    if (!Number.isSafeInteger(next)) throw corrupt('the send sequence is exhausted');
    setMeta(db, SEND_SEQ, String(next));
    return next;
  });
}
