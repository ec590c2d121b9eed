import type { default as Database, Statement } from '@signalapp/sqlcipher';
import { EntenteError } from '../../shared/errors';
import type { AuditCheckpointSlot } from '../identity/keystore-file';
import { loadIdentity } from '../identity/officer';
import type { Profile } from '../identity/profile';
import { asBlob } from '../store/blob';
import { getMeta, setMeta } from '../store/meta';
import { ChainHasher, GENESIS_HASH } from './chain';
import { checkpointSlot, signCheckpoint, type CheckpointReason, type CheckpointSigner, type SignedCheckpoint } from './checkpoint';
import { checkEvent, entryText, isoTime, type AuditEntry } from './entry';
import type { AuditEvent, AuditSink } from './sink';
import { encodeSigned } from '../trust/signed';

/** Where the copy of the latest checkpoint lives outside the database: keystore.json (main/identity/keystore.ts). */
export interface CheckpointCopy {
  read(): AuditCheckpointSlot | undefined;
  write(slot: AuditCheckpointSlot): void;
}

export interface AuditLogOptions {
  clock?: { now(): number };
  /** A checkpoint every this many entries (default 1,000). */
  checkpointEvery?: number;
  copy?: CheckpointCopy;
  /** Non-fatal problems (the keystore copy could not be written). Default: console.warn. */
  onWarning?: (message: string) => void;
}

export const DEFAULT_CHECKPOINT_EVERY = 1000;

export interface ChainHead {
  seq: number;
  hash: Uint8Array;
  /** The entry's time (absent for the empty log). */
  time?: string;
}

/**
 * Set (to the entry's seq) the first time an entry is timed before its predecessor — the clock was set
 * back. Until then, time order is seq order and the review queries turn a time range into a seq range
 * with two index probes (query-plan.ts); after, they take the slower exact way.
 */
export const TIME_REGRESSED_META = 'audit.time_regressed_at';

interface Statements {
  conn: Database;
  head: Statement<object>;
  insert: Statement<object>;
  insertCheckpoint: Statement<object>;
}

/**
 * The profile's audit log: the one writer of `audit_log` (docs/AUDIT.md). One per unlocked profile,
 * created by the keystore at unlock and finished by the profile's lock, which writes the `locked`
 * entry and a signed checkpoint.
 *
 * `record` appends inside the caller's transaction when one is open (SQLite nests it as a savepoint),
 * so an event commits or rolls back with the change it reports. The head of the chain is read from the
 * database on every append rather than cached: a rolled-back caller transaction can never leave this
 * object believing in an entry that does not exist.
 */
export class AuditLog implements AuditSink {
  readonly profile: Profile;
  readonly checkpointEvery: number;
  readonly #clock: { now(): number };
  readonly #copy: CheckpointCopy | undefined;
  readonly #warn: (message: string) => void;
  readonly #hasher = new ChainHasher();
  #stmts: Statements | null = null;
  #signer: CheckpointSigner | null = null;

  constructor(profile: Profile, options: AuditLogOptions = {}) {
    const every = options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    if (!Number.isSafeInteger(every) || every < 1) throw new Error('checkpointEvery must be a positive integer');
    this.profile = profile;
    this.checkpointEvery = every;
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#copy = options.copy;
    this.#warn = options.onWarning ?? ((m) => console.warn(`entente: ${m}`));
  }

  now(): number {
    return this.#clock.now();
  }

  record(event: AuditEvent): void {
    this.append(event);
  }

  /** Appends and returns the new entry (tests and the CLI use it; modules call `record`). */
  append(event: AuditEvent): AuditEntry {
    const fields = checkEvent(event);
    try {
      return this.profile.db.transaction(() => this.#appendNow(fields));
    } catch (err) {
      if (err instanceof EntenteError) throw err;
      throw new EntenteError('audit_write_failed', `the audit history could not be written (${(err as Error).message.split('\n')[0]})`, { cause: err });
    }
  }

  head(): ChainHead {
    const row = this.#statements().head.get();
    if (row === undefined) return { seq: 0, hash: GENESIS_HASH };
    if (typeof row.seq !== 'number' || !(row.hash instanceof Uint8Array)) throw new EntenteError('database_corrupt', 'the head of the audit history is damaged');
    return { seq: row.seq, hash: row.hash, ...(typeof row.time === 'string' ? { time: row.time } : {}) };
  }

  /**
   * Signs a checkpoint at the current head and stores it; null when there is nothing to sign yet or the
   * profile has no identity key yet (a new profile before `profile init` finishes).
   */
  checkpoint(reason: CheckpointReason): SignedCheckpoint | null {
    return this.profile.db.transaction(() => {
      const head = this.head();
      return head.seq === 0 ? null : this.#signAt(head, reason);
    });
  }

  /**
   * Copies `cp` into keystore.json. Called outside any transaction (lock, export, or a microtask after an
   * interval checkpoint), and only for a checkpoint that is committed: a copy ahead of the database
   * would read as a rollback. A copy the database contradicts is replaced too: the unlock has already
   * recorded the contradiction in the chain (session.ts), which is where the evidence must stay.
   */
  saveCopy(cp: SignedCheckpoint): void {
    if (this.#copy === undefined || this.profile.isLocked) return;
    try {
      const stored = this.profile.db.connection.prepare('SELECT count(*) FROM audit_checkpoints WHERE seq = ? AND checkpoint = ?', { pluck: true }).get([cp.body.seq, encodeSigned(cp)]);
      if (stored === 0) return;
      this.#copy.write(checkpointSlot(cp));
    } catch (err) {
      this.#warn(`the audit checkpoint could not be copied to keystore.json: ${(err as Error).message}`);
    }
  }

  /** The checkpoint copy in keystore.json, if any (undefined without one or without a keystore). */
  readCopy(): AuditCheckpointSlot | undefined {
    return this.#copy?.read();
  }

  /** The lock handler: the `locked` entry, a signed checkpoint over it, and its copy in keystore.json. */
  finish(): void {
    this.record({ type: 'locked', outcome: 'ok', actor: 'self' });
    const cp = this.checkpoint('lock');
    if (cp !== null) this.saveCopy(cp);
  }

  /** The officer's identity public key, or null before the identity exists. */
  identityKey(): { officerId: string; key: Uint8Array } | null {
    const row = this.profile.db.connection.prepare('SELECT officer_id, sign_public FROM identity WHERE id = 1').get();
    if (row === undefined) return null;
    if (typeof row.officer_id !== 'string' || !(row.sign_public instanceof Uint8Array)) throw new EntenteError('database_corrupt', 'the stored identity is damaged');
    return { officerId: row.officer_id, key: row.sign_public };
  }

  #appendNow(fields: ReturnType<typeof checkEvent>): AuditEntry {
    const s = this.#statements();
    const head = this.head();
    const entry: AuditEntry = { v: 1, seq: head.seq + 1, time: isoTime(this.#clock.now()), ...fields };
    const text = entryText(entry);
    const hash = this.#hasher.next(head.hash, Buffer.from(text, 'utf8'));
    s.insert.run([entry.seq, text, asBlob(head.hash), asBlob(hash)]);
    if (head.time !== undefined && entry.time < head.time && getMeta(this.profile.db, TIME_REGRESSED_META) === null) {
      setMeta(this.profile.db, TIME_REGRESSED_META, String(entry.seq));
    }
    if (entry.seq % this.checkpointEvery === 0) {
      const cp = this.#signAt({ seq: entry.seq, hash }, 'interval');
      // After the caller's transaction has settled: committed, the copy is made; rolled back, it is not.
      if (cp !== null) queueMicrotask(() => this.saveCopy(cp));
    }
    return entry;
  }

  #signAt(head: ChainHead, reason: CheckpointReason): SignedCheckpoint | null {
    const signer = this.signer();
    if (signer === null) return null;
    const cp = signCheckpoint(signer, head.seq, head.hash, reason, this.#clock.now());
    this.#statements().insertCheckpoint.run([head.seq, reason, encodeSigned(cp)]);
    return cp;
  }

  /** The officer's identity key pair for signing checkpoints and export manifests; null before it exists. */
  signer(): CheckpointSigner | null {
    if (this.#signer !== null) return this.#signer;
    try {
      // The secret is registered with the profile, which wipes it on lock.
      const id = loadIdentity(this.profile);
      this.#signer = { officerId: id.officerId, signPublic: id.signPublic, signSecret: id.signSecret };
      return this.#signer;
    } catch (err) {
      if (err instanceof EntenteError && err.code === 'identity_missing') return null;
      throw err;
    }
  }

  #statements(): Statements {
    const conn = this.profile.db.connection;
    if (this.#stmts === null || this.#stmts.conn !== conn) {
      this.#stmts = {
        conn,
        head: conn.prepare('SELECT seq, hash, time FROM audit_log ORDER BY seq DESC LIMIT 1'),
        insert: conn.prepare('INSERT INTO audit_log (seq, entry, prev, hash) VALUES (?, ?, ?, ?)'),
        insertCheckpoint: conn.prepare('INSERT INTO audit_checkpoints (seq, reason, checkpoint) VALUES (?, ?, ?)'),
      };
    }
    return this.#stmts;
  }
}
