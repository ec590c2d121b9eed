import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import { AgencyId, OfficerId } from '../trust/fields';
import { asBlob } from './blob';
import type { EncryptedDatabase } from './database';
import { requireChannel } from './note-channels';
import { corrupt, int, officer, oneOf, text } from './note-rows';
import { EnqueueInput, Millis, OfficerRefInput, RecordId, checked, recipientText, type OfficerRef, type OutboxEntry, type Receipt } from './note-types';

/**
 * The persistent outbox and per-recipient delivery receipts (migration 6). A note stays in the
 * outbox from enqueue until every recipient's receipt is 'delivered', so a crash, a lost connection
 * or a relay restart can never lose it; receipts outlive the outbox row, as the note's delivery status.
 * Receipt states only move forward: queued → stored → delivered.
 */

const missing = () => new EntenteError('note_missing', 'There is no such note in the outbox; nothing was changed.');

export function enqueue(db: EncryptedDatabase, input: Omit<OutboxEntry, 'attempts' | 'nextAttemptAt' | 'state'>): void {
  const e = checked(EnqueueInput, input, 'outbox entry');
  db.transaction(() => {
    const conn = db.connection;
    requireChannel(db, e.channelId);
    const known = conn.prepare('SELECT 1 FROM outbox WHERE note_id = ? UNION ALL SELECT 1 FROM receipts WHERE note_id = ?', { pluck: true }).get([e.noteId, e.noteId]);
    // Sending the same note twice is a caller bug; once delivered, re-queuing it would deliver it again.
    if (known !== undefined) throw new EntenteError('invalid_input', 'This note was already queued for sending; nothing was changed.');
    conn
      .prepare("INSERT INTO outbox (note_id, channel_id, envelope, recipients, created_at, attempts, next_attempt_at, state) VALUES (?, ?, ?, ?, ?, 0, ?, 'queued')")
      .run([e.noteId, e.channelId, asBlob(e.envelope), JSON.stringify(e.recipients.map(recipientText)), e.createdAt, e.createdAt]);
    const receipt = conn.prepare("INSERT INTO receipts (note_id, agency_id, officer_id, state, updated_at) VALUES (?, ?, ?, 'queued', ?)");
    for (const r of e.recipients) receipt.run([e.noteId, r.agency, r.officerId, e.createdAt]);
  });
}

const OutboxOptions = z.object({ dueBy: Millis.optional(), limit: z.number().int().min(1).max(100_000).optional() });

/**
 * Oldest first. With `dueBy`: the entries to (re)send now, i.e. still 'queued' with their next attempt
 * at or before `dueBy` ('stored' ones wait for receipts, not for a resend). Without: every entry.
 */
export function outbox(db: EncryptedDatabase, options: { dueBy?: number; limit?: number } = {}): OutboxEntry[] {
  const o = checked(OutboxOptions, options, 'outbox options');
  const columns = 'note_id, channel_id, envelope, recipients, created_at, attempts, next_attempt_at, state';
  const where = o.dueBy === undefined ? '' : "WHERE state = 'queued' AND next_attempt_at <= ?";
  const params = o.dueBy === undefined ? [o.limit ?? -1] : [o.dueBy, o.limit ?? -1];
  return db.connection.prepare(`SELECT ${columns} FROM outbox ${where} ORDER BY created_at, note_id LIMIT ?`).all(params).map(entryFromRow);
}

function entryFromRow(row: Record<string, unknown>): OutboxEntry {
  const envelope = row.envelope;
  if (!(envelope instanceof Uint8Array)) throw corrupt('an outbox envelope is not a blob');
  return {
    noteId: text(row, 'note_id'),
    channelId: text(row, 'channel_id'),
    // A plain copy: the binding returns a Buffer, possibly a view into a shared pool.
    envelope: Uint8Array.from(envelope),
    recipients: recipientsFrom(text(row, 'recipients')),
    createdAt: int(row, 'created_at'),
    attempts: int(row, 'attempts'),
    nextAttemptAt: int(row, 'next_attempt_at'),
    state: oneOf(row, 'state', ['queued', 'stored'] as const),
  };
}

const RecipientTexts = z.array(z.string()).min(1);

function recipientsFrom(json: string): OfficerRef[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw corrupt('an outbox recipient list is not JSON', err);
  }
  const list = RecipientTexts.safeParse(raw);
  if (!list.success) throw corrupt('an outbox recipient list is malformed');
  return list.data.map((t) => {
    // Neither id may contain '/', so the split is unambiguous.
    const [agency, officerId, extra] = t.split('/');
    if (extra !== undefined || !AgencyId.safeParse(agency).success || !OfficerId.safeParse(officerId).success) throw corrupt('an outbox recipient is malformed');
    return { agency: agency as string, officerId: officerId as string };
  });
}

export function markAttempt(db: EncryptedDatabase, id: string, nextAttemptAt: number): void {
  const noteId = checked(RecordId, id, 'note id');
  const next = checked(Millis, nextAttemptAt, 'next attempt time');
  const r = db.connection.prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE note_id = ?').run([next, noteId]);
  if (r.changes === 0) throw missing();
}

/**
 * The relay acknowledged storing the note: the outbox row and the receipts still 'queued' become
 * 'stored'. Idempotent; a late acknowledgement after every recipient has it changes nothing.
 */
export function markStored(db: EncryptedDatabase, id: string, at: number): void {
  const noteId = checked(RecordId, id, 'note id');
  const when = checked(Millis, at, 'time');
  db.transaction(() => {
    const conn = db.connection;
    const inOutbox = conn.prepare("UPDATE outbox SET state = 'stored' WHERE note_id = ?").run([noteId]).changes > 0;
    const receipts = conn.prepare("UPDATE receipts SET state = 'stored', updated_at = ? WHERE note_id = ? AND state = 'queued'").run([when, noteId]).changes;
    if (!inOutbox && receipts === 0 && conn.prepare('SELECT 1 FROM receipts WHERE note_id = ?', { pluck: true }).get([noteId]) === undefined) throw missing();
  });
}

/**
 * A recipient has the note. When that was the last one, the outbox row goes (secure_delete overwrites
 * the envelope's bytes). Idempotent; a recipient the note was not sent to is note_missing.
 */
export function markDelivered(db: EncryptedDatabase, id: string, to: OfficerRef, at: number): void {
  const noteId = checked(RecordId, id, 'note id');
  const who = checked(OfficerRefInput, to, 'recipient');
  const when = checked(Millis, at, 'time');
  db.transaction(() => {
    const conn = db.connection;
    const state = conn.prepare('SELECT state FROM receipts WHERE note_id = ? AND agency_id = ? AND officer_id = ?', { pluck: true }).get([noteId, who.agency, who.officerId]);
    if (state === undefined) throw new EntenteError('note_missing', 'This note was not sent to that officer; nothing was changed.');
    if (state === 'delivered') return;
    conn.prepare("UPDATE receipts SET state = 'delivered', updated_at = ? WHERE note_id = ? AND agency_id = ? AND officer_id = ?").run([when, noteId, who.agency, who.officerId]);
    const pending = conn.prepare("SELECT count(*) FROM receipts WHERE note_id = ? AND state <> 'delivered'", { pluck: true }).get([noteId]);
    if (pending === 0) conn.prepare('DELETE FROM outbox WHERE note_id = ?').run([noteId]);
  });
}

export function receipts(db: EncryptedDatabase, id: string): Receipt[] {
  const noteId = checked(RecordId, id, 'note id');
  return db.connection
    .prepare('SELECT agency_id, officer_id, state, updated_at FROM receipts WHERE note_id = ? ORDER BY agency_id, officer_id')
    .all([noteId])
    .map((r) => ({ ...officer(r, 'agency_id', 'officer_id'), state: oneOf(r, 'state', ['queued', 'stored', 'delivered'] as const), updatedAt: int(r, 'updated_at') }));
}

