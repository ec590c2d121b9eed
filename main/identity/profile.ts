import { wipe } from '../crypto/sodium';
import type { EncryptedDatabase } from '../store/database';

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
 */
export class Profile {
  readonly dir: string;
  readonly db: EncryptedDatabase;
  readonly timings: UnlockTimings;
  #secrets: Uint8Array[] = [];
  #lockHandlers: (() => void)[] = [];

  constructor(dir: string, db: EncryptedDatabase, timings: UnlockTimings) {
    this.dir = dir;
    this.db = db;
    this.timings = timings;
  }

  get isLocked(): boolean {
    return !this.db.isOpen;
  }

  /** Registers bytes to wipe on lock; returns them for convenience. */
  holdSecret(bytes: Uint8Array): Uint8Array {
    this.#secrets.push(bytes);
    return bytes;
  }

  /** Runs before the database closes (e.g. to write a final audit checkpoint, issue 7). */
  onLock(handler: () => void): void {
    this.#lockHandlers.push(handler);
  }

  /** Closes the database and wipes held secrets. Idempotent; a failing handler does not stop the lock. */
  lock(): void {
    if (this.isLocked) return;
    const handlers = this.#lockHandlers;
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
