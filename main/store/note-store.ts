import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import { canonicalLabel } from '../../shared/labels/canonical-json';
import type { Label } from '../../shared/labels/model';
import type { EncryptedDatabase } from './database';
import * as channelsTable from './note-channels';
import * as outboxTable from './note-outbox';
import * as prekeyTable from './note-peer-prekeys';
import * as replay from './note-replay';
import { LabelReader, NOTE_COLUMNS, int, noteFromRow } from './note-rows';
import { searchNotes, type SearchOptions } from './note-search';
import { Millis, NoteInput, PageLimit, RecordId, checked, type ChannelRecord, type ChannelSummary, type NewNote, type NoteRecord, type OfficerRef, type OutboxEntry, type PeerPrekey, type Receipt } from './note-types';

export type { ChannelRecord, ChannelSummary, NewNote, NoteRecord, OfficerRef, OutboxEntry, PeerPrekey, Receipt, ReceiptState } from './note-types';
export type { SearchOptions } from './note-search';

/**
 * The profile's channels, notes, outbox, receipts, replay sets and peer prekeys (migration 6;
 * specs/STORE.md). It only persists and reads: the one security decision it applies is the `mayRead`
 * filter its caller gives to `search`. Every method asks the database for its connection on each call,
 * so a locked profile cannot be read through this object, and multi-statement changes are one
 * transaction: a refused change (coded EntenteError) leaves the database as it was.
 */
export class NoteStore {
  constructor(private readonly db: EncryptedDatabase) {}

  // ---- channels ---------------------------------------------------------------------------------

  /** channel_exists if the id is taken. */
  createChannel(c: Omit<ChannelRecord, 'updatedAt'>): void {
    channelsTable.createChannel(this.db, c);
  }

  channel(id: string): ChannelRecord | undefined {
    return channelsTable.channel(this.db, id);
  }

  /** Newest activity first. */
  channels(): ChannelSummary[] {
    return channelsTable.channels(this.db);
  }

  renameChannel(id: string, name: string, at: number): void {
    channelsTable.renameChannel(this.db, id, name, at);
  }

  /** Officers already members are left as they were (their added_at is kept). */
  addMembers(id: string, members: readonly OfficerRef[], at: number): void {
    channelsTable.addMembers(this.db, id, members, at);
  }

  /** channel_member_unknown, and nothing removed, if any officer listed is not a member. */
  removeMembers(id: string, members: readonly OfficerRef[], at: number): void {
    channelsTable.removeMembers(this.db, id, members, at);
  }

  /** False for an unknown channel. */
  isMember(id: string, who: OfficerRef): boolean {
    return channelsTable.isMember(this.db, id, who);
  }

  // ---- notes ------------------------------------------------------------------------------------

  /**
   * Idempotent on noteId: a note already held is left as it is ('duplicate'), whatever the copy says.
   * `read` defaults to true for the officer's own notes, false for received ones.
   */
  insertNote(n: NewNote): 'new' | 'duplicate' {
    return this.db.transaction(() => new NoteInserter(this.db).insert(n));
  }

  /** Many notes in one transaction (one disk sync); all or none are stored. */
  insertNotes(batch: readonly NewNote[]): { added: number; duplicates: number } {
    const list = checked(z.array(z.unknown()).max(100_000), batch, 'notes');
    return this.db.transaction(() => {
      const inserter = new NoteInserter(this.db);
      let added = 0;
      for (const n of list) if (inserter.insert(n as NewNote) === 'new') added += 1;
      return { added, duplicates: list.length - added };
    });
  }

  note(noteId: string): NoteRecord | undefined {
    const id = checked(RecordId, noteId, 'note id');
    const row = this.db.connection.prepare(`SELECT ${NOTE_COLUMNS} FROM notes WHERE note_id = ?`).get([id]);
    return row === undefined ? undefined : noteFromRow(row, new LabelReader());
  }

  /**
   * Newest first (sentAt, then arrival order); `before` is the (sentAt, noteId) of the last row of the
   * previous page. Notes with equal sentAt are split across pages without loss or repetition.
   */
  page(channelId: string, options: { limit: number; before?: { sentAt: number; noteId: string } }): NoteRecord[] {
    const id = checked(RecordId, channelId, 'channel id');
    const o = checked(PageOptions, options, 'page options');
    const conn = this.db.connection;
    channelsTable.requireChannel(this.db, id);
    const reader = new LabelReader();
    if (o.before === undefined) {
      return conn.prepare(`SELECT ${NOTE_COLUMNS} FROM notes WHERE channel_id = ? ORDER BY sent_at DESC, seq_no DESC LIMIT ?`).all([id, o.limit]).map((r) => noteFromRow(r, reader));
    }
    const at = conn.prepare('SELECT seq_no FROM notes WHERE note_id = ? AND channel_id = ?').get([o.before.noteId, id]);
    if (at === undefined) throw new EntenteError('note_missing', 'The note to page from is not in this channel.');
    const { sentAt } = o.before;
    // `sent_at <= ?` is implied by the OR; spelled out, it lets the index seek to the cursor.
    return conn
      .prepare(`SELECT ${NOTE_COLUMNS} FROM notes WHERE channel_id = ? AND sent_at <= ? AND (sent_at < ? OR seq_no < ?) ORDER BY sent_at DESC, seq_no DESC LIMIT ?`)
      .all([id, sentAt, sentAt, int(at, 'seq_no'), o.limit])
      .map((r) => noteFromRow(r, reader));
  }

  count(channelId: string): number {
    const id = checked(RecordId, channelId, 'channel id');
    channelsTable.requireChannel(this.db, id);
    return Number(this.db.connection.prepare('SELECT count(*) FROM notes WHERE channel_id = ?', { pluck: true }).get([id]));
  }

  /** note_missing, and nothing marked, if any id is not a stored note. */
  markRead(noteIds: readonly string[]): void {
    const ids = checked(z.array(RecordId).max(100_000), noteIds, 'note ids');
    this.db.transaction(() => {
      const mark = this.db.connection.prepare('UPDATE notes SET read = 1 WHERE note_id = ?');
      for (const id of ids) if (mark.run([id]).changes === 0) throw new EntenteError('note_missing', 'A note to mark read is not in this profile; nothing was marked.');
    });
  }

  /** See note-search.ts: user text is quoted word by word; only notes `mayRead` accepts are returned. */
  search(query: string, options: SearchOptions): NoteRecord[] {
    return searchNotes(this.db, query, options);
  }

  // ---- replay protection ------------------------------------------------------------------------

  seen(noteId: string): boolean {
    return replay.seen(this.db, noteId);
  }

  noteIdForSequence(sender: replay.SenderRef, seq: number): string | undefined {
    return replay.noteIdForSequence(this.db, sender, seq);
  }

  /** note_replayed / note_sequence_reused, recording nothing, if either was already seen. */
  recordSeen(e: { noteId: string; sender: replay.SenderRef; seq: number; noteTime: number; seenAt: number }): void {
    replay.recordSeen(this.db, e);
  }

  forgetSeenBefore(noteTime: number): number {
    return replay.forgetSeenBefore(this.db, noteTime);
  }

  nextSendSequence(): number {
    return replay.nextSendSequence(this.db);
  }

  // ---- outbox and receipts ----------------------------------------------------------------------

  enqueue(e: Omit<OutboxEntry, 'attempts' | 'nextAttemptAt' | 'state'>): void {
    outboxTable.enqueue(this.db, e);
  }

  /** Oldest first; with `dueBy`, only 'queued' entries whose next attempt is due by then. */
  outbox(options?: { dueBy?: number; limit?: number }): OutboxEntry[] {
    return outboxTable.outbox(this.db, options);
  }

  markAttempt(noteId: string, nextAttemptAt: number): void {
    outboxTable.markAttempt(this.db, noteId, nextAttemptAt);
  }

  markStored(noteId: string, at: number): void {
    outboxTable.markStored(this.db, noteId, at);
  }

  markDelivered(noteId: string, to: OfficerRef, at: number): void {
    outboxTable.markDelivered(this.db, noteId, to, at);
  }

  receipts(noteId: string): Receipt[] {
    return outboxTable.receipts(this.db, noteId);
  }

  // ---- other officers' signed prekeys -----------------------------------------------------------

  putPeerPrekey(who: OfficerRef, prekeyId: number, expiresAt: number, signed: string): 'new' | 'unchanged' {
    return prekeyTable.putPeerPrekey(this.db, who, prekeyId, expiresAt, signed);
  }

  peerPrekeys(who: OfficerRef): PeerPrekey[] {
    return prekeyTable.peerPrekeys(this.db, who);
  }

  prunePeerPrekeys(expiredBefore: number): number {
    return prekeyTable.prunePeerPrekeys(this.db, expiredBefore);
  }
}

const PageOptions = z.object({ limit: PageLimit, before: z.object({ sentAt: Millis, noteId: RecordId }).optional() });

/** Inserts within the caller's transaction, with one prepared statement for a whole batch. */
class NoteInserter {
  readonly #db: EncryptedDatabase;
  readonly #channels = new Set<string>();
  readonly #statement;

  constructor(db: EncryptedDatabase) {
    this.#db = db;
    this.#statement = db.connection.prepare(
      `INSERT INTO notes (note_id, channel_id, direction, kind, sender_agency, sender_officer, sender_serial, sender_seq, sent_at, received_at, policy_id, classification, label, body, read)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (note_id) DO NOTHING`,
    );
  }

  insert(input: NewNote): 'new' | 'duplicate' {
    const n = checked(NoteInput, input, 'note');
    const labelJson = canonicalLabel(n.label as Label); // label_malformed unless a valid label
    const label = n.label as Label;
    if (!this.#channels.has(n.channelId)) {
      channelsTable.requireChannel(this.#db, n.channelId);
      this.#channels.add(n.channelId);
    }
    const read = (n.read ?? n.direction === 'out') ? 1 : 0;
    const r = this.#statement.run([n.noteId, n.channelId, n.direction, n.kind, n.sender.agency, n.sender.officerId, n.sender.serial, n.senderSeq, n.sentAt, n.receivedAt, label.policyId, label.classification, labelJson, n.body, read]);
    return r.changes === 1 ? 'new' : 'duplicate';
  }
}
