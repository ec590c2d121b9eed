import type Database from '@signalapp/sqlcipher';
import { createHash } from 'node:crypto';
import { EntenteError } from '../shared/errors';
import type { ReceiptState } from '../shared/wire/relay-frames';

/**
 * Envelopes, mailboxes and receipts (docs/RELAY.md §4–5). Officers are keyed "agency/officerId".
 * The write methods are meant to run inside the commit queue (commit-queue.ts), which wraps each in
 * a savepoint of the batch's transaction; the reads run between batches and see committed data only.
 */

export interface StoreInput {
  id: string;
  sender: string;
  recipients: readonly string[];
  bytes: Uint8Array;
  now: number;
}

export interface MailboxLimits {
  mailboxMaxEnvelopes: number;
  mailboxMaxBytes: number;
}

export interface MailboxRow {
  seq: number;
  id: string;
  sender: string;
  body: Uint8Array;
  storedAt: number;
}

export interface ReceiptRow {
  seq: number;
  id: string;
  recipient: string;
  state: ReceiptState;
  at: number;
}

export interface SweepReport {
  expiredMailbox: number;
  expiredEnvelopes: number;
  expiredReceipts: number;
  forgottenIds: number;
  /** Senders who got an 'expired' receipt (to notify if connected). */
  senders: string[];
}

const digestOf = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(bytes).digest());
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;

/** The binding's parameter type wants an ArrayBuffer-backed view; Buffers from `ws` may be pooled. */
const blob = (b: Uint8Array): Uint8Array<ArrayBuffer> => (b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : new Uint8Array(b));

export class EnvelopeStore {
  constructor(private readonly db: Database) {}

  /**
   * Stores the envelope once and one mailbox row per recipient. 'duplicate' when this sender already
   * sent this id with these bytes (within the retention period); refuses the id from another sender
   * or with other bytes, and refuses the whole send when one recipient's mailbox is full.
   */
  storeEnvelope(input: StoreInput, limits: MailboxLimits): 'stored' | 'duplicate' {
    const digest = digestOf(input.bytes);
    const seen = this.db.prepare('SELECT sender, digest FROM note_ids WHERE id = ?').get([input.id]);
    if (seen !== undefined) {
      if (seen.sender !== input.sender) throw new EntenteError('relay_frame_invalid', 'this note id is already used by another sender');
      if (!(seen.digest instanceof Uint8Array) || !sameBytes(seen.digest, digest)) throw new EntenteError('relay_frame_invalid', 'this note id was already sent with another envelope');
      return 'duplicate';
    }
    const usage = this.db.prepare('SELECT count, bytes FROM mailbox_usage WHERE recipient = ?');
    for (const r of input.recipients) {
      const u = usage.get([r]);
      const count = u === undefined ? 0 : Number(u.count);
      const bytes = u === undefined ? 0 : Number(u.bytes);
      if (count + 1 > limits.mailboxMaxEnvelopes || bytes + input.bytes.length > limits.mailboxMaxBytes) {
        throw new EntenteError('relay_mailbox_full', `the relay mailbox of ${r} is full (${count} notes, ${bytes} bytes waiting); nothing was stored`);
      }
    }
    this.db.prepare('INSERT INTO note_ids (id, sender, digest, stored_at) VALUES (?, ?, ?, ?)').run([input.id, input.sender, blob(digest), input.now]);
    this.db.prepare('INSERT INTO envelopes (id, sender, body, size, stored_at) VALUES (?, ?, ?, ?, ?)').run([input.id, input.sender, blob(input.bytes), input.bytes.length, input.now]);
    const insert = this.db.prepare('INSERT INTO mailbox (recipient, envelope_id, size, stored_at) VALUES (?, ?, ?, ?)');
    for (const r of input.recipients) insert.run([r, input.id, input.bytes.length, input.now]);
    return 'stored';
  }

  /**
   * The recipient has the envelopes: deletes its mailbox rows, queues a 'delivered' receipt for each
   * sender, and deletes envelopes no mailbox refers to any more. Unknown ids are ignored (an ack may
   * arrive twice). Returns the senders to notify.
   */
  acknowledge(recipient: string, ids: readonly string[], now: number): { acked: string[]; senders: string[] } {
    const find = this.db.prepare('SELECT m.seq AS seq, e.sender AS sender FROM mailbox m JOIN envelopes e ON e.id = m.envelope_id WHERE m.recipient = ? AND m.envelope_id = ?');
    const remove = this.db.prepare('DELETE FROM mailbox WHERE seq = ?');
    const receipt = this.db.prepare("INSERT OR IGNORE INTO receipts (sender, envelope_id, recipient, state, at) VALUES (?, ?, ?, 'delivered', ?)");
    const orphan = this.db.prepare('DELETE FROM envelopes WHERE id = ? AND NOT EXISTS (SELECT 1 FROM mailbox WHERE envelope_id = ?)');
    const acked: string[] = [];
    const senders = new Set<string>();
    for (const id of new Set(ids)) {
      const row = find.get([recipient, id]);
      if (row === undefined) continue;
      remove.run([Number(row.seq)]);
      receipt.run([String(row.sender), id, recipient, now]);
      orphan.run([id, id]);
      acked.push(id);
      senders.add(String(row.sender));
    }
    return { acked, senders: [...senders] };
  }

  /** The sender has the receipts: deletes them. */
  acknowledgeReceipts(sender: string, receipts: readonly { id: string; recipient: string }[]): number {
    const remove = this.db.prepare('DELETE FROM receipts WHERE sender = ? AND envelope_id = ? AND recipient = ?');
    let n = 0;
    for (const r of receipts) n += remove.run([sender, r.id, r.recipient]).changes;
    return n;
  }

  /** Mailbox rows of `recipient` after sequence `after`, in stored order. */
  mailboxAfter(recipient: string, after: number, limit: number): MailboxRow[] {
    return this.db
      .prepare('SELECT m.seq AS seq, e.id AS id, e.sender AS sender, e.body AS body, m.stored_at AS stored_at FROM mailbox m JOIN envelopes e ON e.id = m.envelope_id WHERE m.recipient = ? AND m.seq > ? ORDER BY m.seq LIMIT ?')
      .all([recipient, after, limit])
      .map((r) => ({ seq: Number(r.seq), id: String(r.id), sender: String(r.sender), body: r.body as Uint8Array, storedAt: Number(r.stored_at) }));
  }

  receiptsAfter(sender: string, after: number, limit: number): ReceiptRow[] {
    return this.db
      .prepare('SELECT seq, envelope_id, recipient, state, at FROM receipts WHERE sender = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all([sender, after, limit])
      .map((r) => ({ seq: Number(r.seq), id: String(r.envelope_id), recipient: String(r.recipient), state: r.state as ReceiptState, at: Number(r.at) }));
  }

  /**
   * Deletes what is older than the retention period: undelivered mailbox rows (the sender gets an
   * 'expired' receipt), the envelopes left without rows, old receipts, and the remembered note ids.
   */
  sweep(now: number, retentionMs: number): SweepReport {
    const cutoff = now - retentionMs;
    const senders = this.db
      .prepare('SELECT DISTINCT e.sender AS sender FROM mailbox m JOIN envelopes e ON e.id = m.envelope_id WHERE m.stored_at < ?')
      .all([cutoff])
      .map((r) => String(r.sender));
    const expiredReceipts = this.db.prepare('DELETE FROM receipts WHERE at < ?').run([cutoff]).changes;
    this.db
      .prepare("INSERT OR IGNORE INTO receipts (sender, envelope_id, recipient, state, at) SELECT e.sender, m.envelope_id, m.recipient, 'expired', ? FROM mailbox m JOIN envelopes e ON e.id = m.envelope_id WHERE m.stored_at < ?")
      .run([now, cutoff]);
    const expiredMailbox = this.db.prepare('DELETE FROM mailbox WHERE stored_at < ?').run([cutoff]).changes;
    const expiredEnvelopes = this.db.prepare('DELETE FROM envelopes WHERE NOT EXISTS (SELECT 1 FROM mailbox WHERE envelope_id = envelopes.id)').run().changes;
    const forgottenIds = this.db.prepare('DELETE FROM note_ids WHERE stored_at < ?').run([cutoff]).changes;
    return { expiredMailbox, expiredEnvelopes, expiredReceipts, forgottenIds, senders };
  }

  counts(): { envelopes: number; mailbox: number; receipts: number } {
    const count = (table: string) => Number(this.db.prepare(`SELECT count(*) FROM ${table}`, { pluck: true }).get());
    return { envelopes: count('envelopes'), mailbox: count('mailbox'), receipts: count('receipts') };
  }
}
