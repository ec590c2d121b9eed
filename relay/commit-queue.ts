import type Database from '@signalapp/sqlcipher';
import { EntenteError } from '../shared/errors';
import { sqliteCode } from '../main/store/sqlite-errors';

/**
 * Group commit (docs/RELAY.md §5). Every write the relay makes goes through here: operations submitted
 * during one turn of the event loop run in ONE transaction, each inside its own savepoint, and their
 * promises settle only after COMMIT has returned — that is, after the WAL is fsynced. So:
 *  - nothing is acknowledged before it is durable (a 'stored' frame is sent from the resolution);
 *  - one fsync is shared by every send, ack and publish of the batch, which is what lets a relay on
 *    an ordinary disk store thousands of envelopes per second with synchronous=FULL;
 *  - an operation that throws (mailbox full, id conflict, disk full) rolls back only its own savepoint;
 *    the others in the batch commit.
 * SQLite may roll the whole transaction back by itself on SQLITE_FULL or an I/O error; then every
 * operation of the batch fails with relay_storage_failed and none is acknowledged.
 */

interface Op {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export interface CommitStats {
  batches: number;
  operations: number;
  failedCommits: number;
}

const MAX_BATCH = 1000;

export function storageError(err: unknown): EntenteError {
  if (err instanceof EntenteError) return err;
  const code = sqliteCode(err) ?? 'unknown error';
  const hint = code.startsWith('SQLITE_FULL') ? 'the disk or the configured database size is full' : code.startsWith('SQLITE_READONLY') ? 'the data folder is read-only' : code;
  return new EntenteError('relay_storage_failed', `the relay could not write to its database (${hint}); nothing was acknowledged`, { cause: err });
}

export class CommitQueue {
  #pending: Op[] = [];
  #scheduled = false;
  #idle: (() => void)[] = [];
  readonly stats: CommitStats = { batches: 0, operations: 0, failedCommits: 0 };

  constructor(
    private readonly db: Database,
    private readonly onFailure: (err: EntenteError, operations: number) => void = () => {},
  ) {}

  get pending(): number {
    return this.#pending.length;
  }

  /** Runs `work` in the next batch; resolves with its result once the batch is committed. */
  submit<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ work, resolve: resolve as (v: unknown) => void, reject });
      this.#schedule();
    });
  }

  /** Resolves when every operation submitted so far has been committed or failed. */
  drain(): Promise<void> {
    if (this.#pending.length === 0 && !this.#scheduled) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // setImmediate runs after the I/O callbacks of this turn: every frame already read joins the batch.
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#pending.splice(0, MAX_BATCH);
    if (batch.length > 0) this.#run(batch);
    if (this.#pending.length > 0) this.#schedule();
    else for (const done of this.#idle.splice(0)) done();
  }

  #run(batch: Op[]): void {
    this.stats.batches += 1;
    this.stats.operations += batch.length;
    const done: { op: Op; value: unknown }[] = [];
    const failed: { op: Op; err: unknown }[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      return this.#failAll(batch, storageError(err));
    }
    try {
      for (const op of batch) {
        this.db.exec('SAVEPOINT op');
        try {
          const value = op.work();
          this.db.exec('RELEASE op');
          done.push({ op, value });
        } catch (err) {
          try {
            this.db.exec('ROLLBACK TO op');
            this.db.exec('RELEASE op');
          } catch {
            // SQLite already rolled the whole transaction back (SQLITE_FULL, I/O error): report the cause.
            throw err;
          }
          failed.push({ op, err: sqliteCode(err) === null ? err : storageError(err) });
        }
      }
    } catch (err) {
      // Nothing of the batch stands.
      this.#rollback();
      return this.#failAll(batch, storageError(err));
    }
    try {
      this.db.exec('COMMIT');
    } catch (err) {
      this.#rollback();
      return this.#failAll(batch, storageError(err));
    }
    for (const { op, value } of done) op.resolve(value);
    for (const { op, err } of failed) op.reject(err);
  }

  #rollback(): void {
    try {
      this.db.exec('ROLLBACK');
    } catch {
      // Already rolled back by SQLite: no transaction is open.
    }
  }

  #failAll(batch: Op[], err: EntenteError): void {
    this.stats.failedCommits += 1;
    this.onFailure(err, batch.length);
    for (const op of batch) op.reject(err);
  }
}
