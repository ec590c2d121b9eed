import Database from '@signalapp/sqlcipher';
import { closeSync, openSync, rmSync, statSync } from 'node:fs';
import { EntenteError } from '../../shared/errors';
import { MIGRATIONS } from './migrations';
import { runMigrations, schemaVersion, type Migration, type MigrationReport } from './migrator';
import { sqliteCode } from './sqlite-errors';

export const DATABASE_KEY_BYTES = 32;

export interface OpenDatabaseOptions {
  /** `create`: the file must not exist and is made 0600; `existing`: it must exist and be a migrated database. */
  mode: 'create' | 'existing';
  /** The schema to bring the file to; tests pass their own lists. */
  migrations?: readonly Migration[];
}

/**
 * A SQLCipher connection that refuses use once closed. Repositories ask for `connection` on every
 * operation and never keep it, so a locked profile cannot be read through a stale handle.
 */
export class EncryptedDatabase {
  #conn: Database | null;
  readonly path: string;
  readonly migration: MigrationReport;

  constructor(conn: Database, path: string, migration: MigrationReport) {
    this.#conn = conn;
    this.path = path;
    this.migration = migration;
  }

  get isOpen(): boolean {
    return this.#conn !== null;
  }

  get connection(): Database {
    if (this.#conn === null) throw new EntenteError('profile_locked', 'The profile is locked; unlock it first.');
    return this.#conn;
  }

  /** Runs `fn` in a transaction (a savepoint when nested); a throw rolls it back. */
  transaction<T>(fn: () => T): T {
    return this.connection.transaction(fn)();
  }

  get schemaVersion(): number {
    return schemaVersion(this.connection);
  }

  /**
   * Reads every page and checks its HMAC and the b-tree structure. Opening checks only what a first
   * read touches (header, schema); a damaged page deeper in the file surfaces when read, or here.
   */
  integrityProblems(): string[] {
    const conn = this.connection;
    const cipher = conn.prepare('PRAGMA cipher_integrity_check', { pluck: true }).all().map(String);
    if (cipher.length > 0) return cipher;
    const quick = conn.prepare('PRAGMA quick_check', { pluck: true }).all().map(String);
    return quick.length === 1 && quick[0] === 'ok' ? [] : quick;
  }

  /** Closes the connection; SQLCipher wipes its copy of the key. Safe to call twice. */
  close(): void {
    const conn = this.#conn;
    this.#conn = null;
    conn?.close();
  }
}

/**
 * Opens (or creates) a SQLCipher database under a raw 32-byte key. The caller keeps ownership of `key`
 * and should wipe it afterwards: SQLCipher holds its own copy until `close()`.
 *
 * SQLCipher accepts any key at `PRAGMA key`; a wrong one shows up at the first read as SQLITE_NOTADB,
 * so the schema is read at once and the failure becomes `database_key_rejected`.
 */
export function openEncryptedDatabase(path: string, key: Uint8Array, options: OpenDatabaseOptions): EncryptedDatabase {
  if (key.length !== DATABASE_KEY_BYTES) throw new Error(`database key must be ${DATABASE_KEY_BYTES} bytes`);
  if (options.mode === 'create') createEmptyFile(path);
  else checkExistingFile(path);

  let conn: Database | null = null;
  try {
    conn = new Database(path);
    // Before the key, so that a wrong key or a damaged page does not print HMAC errors on stderr.
    conn.exec('PRAGMA cipher_log_level = NONE');
    // The hex string cannot be wiped (JS strings are immutable); this binding has no sqlite3_key call.
    conn.exec(`PRAGMA key = "x'${Buffer.from(key.buffer, key.byteOffset, key.length).toString('hex')}'"`);
    conn.prepare('SELECT count(*) FROM sqlite_master', { pluck: true }).get();
    if (options.mode === 'existing') checkShape(conn, path);
    configure(conn);
    const migration = runMigrations(conn, options.migrations ?? MIGRATIONS);
    return new EncryptedDatabase(conn, path, migration);
  } catch (err) {
    conn?.close();
    // Only a file this call created may be removed; an existing one is never touched on failure.
    if (options.mode === 'create') removeCreated(path);
    throw asDatabaseError(err);
  }
}

function createEmptyFile(path: string): void {
  try {
    // SQLite would create the file 0644; creating it first, exclusively, fixes the mode and refuses an
    // existing file. SQLite gives its journal the same mode as the database.
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new EntenteError('keystore_exists', 'A profile database already exists here; it was left untouched.');
    throw new EntenteError('database_unavailable', 'The profile database could not be created.', { cause: err });
  }
}

function checkExistingFile(path: string): void {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new EntenteError('database_corrupt', 'The profile database is not a regular file.');
    size = st.size;
  } catch (err) {
    if (err instanceof EntenteError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new EntenteError('database_missing', 'The profile database file is missing.');
    throw new EntenteError('database_unavailable', 'The profile database could not be read.', { cause: err });
  }
  // SQLite treats an empty file as a new, empty database and would happily migrate it.
  if (size === 0) throw new EntenteError('database_corrupt', 'The profile database file is empty.');
}

/** Checks that a keyed, readable file is a whole database of ours (not cut short, not blank). */
function checkShape(conn: Database, path: string): void {
  // SQLCipher answers this pragma itself, as text rather than an integer.
  const pageSize = Number(conn.pragma('page_size', { simple: true }));
  const size = statSync(path).size;
  // With the DELETE journal a committed database is always whole pages; a partial page is truncation.
  if (!Number.isInteger(pageSize) || pageSize <= 0 || size % pageSize !== 0) {
    throw new EntenteError('database_corrupt', 'The profile database file is truncated.');
  }
  if (schemaVersion(conn) < 1) throw new EntenteError('database_corrupt', 'The profile database holds no schema.');
}

/**
 * DELETE journal with synchronous=FULL: every commit is on disk before it returns, the profile is one
 * file whenever it is closed (easy to back up or copy whole), and it works on network home folders,
 * where WAL's shared-memory index does not. The write volume of one officer does not need WAL's speed.
 */
function configure(conn: Database): void {
  conn.pragma('journal_mode = DELETE');
  conn.exec('PRAGMA synchronous = FULL');
  conn.exec('PRAGMA foreign_keys = ON');
  // Deleted content is overwritten with zeros rather than left in free pages (ciphertext, but still).
  conn.exec('PRAGMA secure_delete = ON');
  // Sorts and temp tables stay in memory: nothing of the database spills into temp files.
  conn.exec('PRAGMA temp_store = MEMORY');
}

function removeCreated(path: string): void {
  for (const p of [path, `${path}-journal`]) rmSync(p, { force: true });
}

function asDatabaseError(err: unknown): unknown {
  if (err instanceof EntenteError) return err;
  switch (sqliteCode(err)) {
    case 'SQLITE_NOTADB':
      return new EntenteError('database_key_rejected', 'The database did not open with this key: the key is wrong or the file is not an Entente database.', { cause: err });
    case 'SQLITE_CORRUPT':
      return new EntenteError('database_corrupt', 'The profile database is damaged.', { cause: err });
    default:
      return new EntenteError('database_unavailable', 'The profile database could not be opened.', { cause: err });
  }
}
