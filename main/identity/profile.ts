import { wipe } from '../crypto/sodium';
import type { EncryptedDatabase } from '../store/database';
import type { AuditLog } from '../audit/log';
import { NO_AUDIT, type AuditSink } from '../audit/sink';

export interface UnlockTimings {
  /** Argon2id (0 when the profile was just created: the key was wrapped, not unwrapped). */
  kdfMs: number;
  /** Opening the database: keying, validation, pragmas, migrations. */
  openMs: number;
  /** The whole unlock, file reads and checks included. */
  totalMs: number;
}

/**
 * An unlocked profile. It owns the open database and any secrets later layers load from it (identity
 * and prekey private keys): those register with `holdSecret` so that `lock()` wipes them with the
 * database connection. After `lock()`, every use of `db` throws `profile_locked`.
 *
 * The keystore attaches the profile's audit log (main/audit/log.ts) at unlock; modules report through
 * `audit`, which is NO_AUDIT for a Profile built by hand (tests of the storage layer).
 */
export class Profile {
  readonly dir: string;
  readonly db: EncryptedDatabase;
  readonly timings: UnlockTimings;
  #secrets: Uint8Array[] = [];
  #lockHandlers: (() => void)[] = [];
  #auditLog: AuditLog | null = null;

  constructor(dir: string, db: EncryptedDatabase, timings: UnlockTimings) {
    this.dir = dir;
    this.db = db;
    this.timings = timings;
  }

  get isLocked(): boolean {
    return !this.db.isOpen;
  }

  get audit(): AuditSink {
    return this.#auditLog ?? NO_AUDIT;
  }

  /** The audit log itself (verify, export, review queries); only profiles opened through the keystore have one. */
  get auditLog(): AuditLog {
    if (this.#auditLog === null) throw new Error('this profile was not opened through the keystore and has no audit log');
    return this.#auditLog;
  }

  /** Called once, by the keystore, as the profile opens. */
  attachAuditLog(log: AuditLog): void {
    if (this.#auditLog !== null) throw new Error('the profile already has an audit log');
    this.#auditLog = log;
  }

  /** Registers bytes to wipe on lock; returns them for convenience. */
  holdSecret(bytes: Uint8Array): Uint8Array {
    this.#secrets.push(bytes);
    return bytes;
  }

  /**
   * Runs before the database closes, in reverse order of registration (last registered, first run), so
   * the audit log, registered first at unlock, runs last: its `locked` entry and final checkpoint
   * cover whatever the other handlers recorded.
   */
  onLock(handler: () => void): void {
    this.#lockHandlers.push(handler);
  }

  /** Closes the database and wipes held secrets. Idempotent; a failing handler does not stop the lock. */
  lock(): void {
    if (this.isLocked) return;
    const handlers = this.#lockHandlers.reverse();
    this.#lockHandlers = [];
    const errors: unknown[] = [];
    for (const h of handlers) {
      try {
        h();
      } catch (err) {
        errors.push(err);
      }
    }
    wipe(...this.#secrets);
    this.#secrets = [];
    this.db.close();
    if (errors.length > 0) throw new AggregateError(errors, 'profile locked, but a lock handler failed');
  }
}
