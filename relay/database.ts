import Database from '@signalapp/sqlcipher';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EntenteError } from '../shared/errors';
import { sqliteCode } from '../main/store/sqlite-errors';

/**
 * The relay's database (docs/RELAY.md §5). Not a profile: plain SQLite (the binding is SQLCipher's,
 * used without a key), because the relay holds only sealed envelopes and public directory objects.
 *
 * WAL with synchronous=FULL: a commit returns only once its WAL frames are fsynced, so an envelope
 * acknowledged with 'stored' survives a crash or a power cut. (NORMAL in WAL mode would survive a
 * process crash but could lose the last commits on power loss; acknowledging those would break the
 * promise 'stored' makes.) The cost of FULL is one fsync per commit; the commit queue
 * (commit-queue.ts) groups every write that arrives in one turn of the event loop into one
 * transaction, so the fsync is shared by the whole group. WAL also lets `sqlite3 relay.db .backup`
 * read a consistent snapshot while the relay keeps writing.
 */

export const RELAY_DB_FILE = 'relay.db';
const LOCK_FILE = 'relay.lock';
const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE envelopes (
  id        TEXT PRIMARY KEY,
  sender    TEXT NOT NULL,
  body      BLOB NOT NULL,
  size      INTEGER NOT NULL,
  stored_at INTEGER NOT NULL
);
-- AUTOINCREMENT: a sequence number is never reused, so a connection's delivery cursor never skips a row.
CREATE TABLE mailbox (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient   TEXT NOT NULL,
  envelope_id TEXT NOT NULL REFERENCES envelopes(id),
  size        INTEGER NOT NULL,
  stored_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX mailbox_recipient_envelope ON mailbox(recipient, envelope_id);
CREATE INDEX mailbox_order ON mailbox(recipient, seq);
CREATE INDEX mailbox_envelope ON mailbox(envelope_id);
CREATE INDEX mailbox_age ON mailbox(stored_at);
-- Kept for the retention period even after delivery, so that a re-send is recognised and not stored twice.
CREATE TABLE note_ids (
  id        TEXT PRIMARY KEY,
  sender    TEXT NOT NULL,
  digest    BLOB NOT NULL,
  stored_at INTEGER NOT NULL
);
CREATE INDEX note_ids_age ON note_ids(stored_at);
CREATE TABLE receipts (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  sender      TEXT NOT NULL,
  envelope_id TEXT NOT NULL,
  recipient   TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('delivered', 'expired')),
  at          INTEGER NOT NULL,
  UNIQUE (sender, envelope_id, recipient)
);
CREATE INDEX receipts_order ON receipts(sender, seq);
CREATE INDEX receipts_age ON receipts(at);
-- Per-recipient totals for the mailbox limits, kept exact by triggers in the same transactions.
CREATE TABLE mailbox_usage (
  recipient TEXT PRIMARY KEY,
  count     INTEGER NOT NULL,
  bytes     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER mailbox_usage_add AFTER INSERT ON mailbox BEGIN
  INSERT INTO mailbox_usage (recipient, count, bytes) VALUES (NEW.recipient, 1, NEW.size)
    ON CONFLICT(recipient) DO UPDATE SET count = count + 1, bytes = bytes + NEW.size;
END;
CREATE TRIGGER mailbox_usage_remove AFTER DELETE ON mailbox BEGIN
  UPDATE mailbox_usage SET count = count - 1, bytes = bytes - OLD.size WHERE recipient = OLD.recipient;
  DELETE FROM mailbox_usage WHERE recipient = OLD.recipient AND count <= 0;
END;
CREATE TABLE credentials (
  agency       TEXT NOT NULL,
  serial       INTEGER NOT NULL,
  officer_id   TEXT NOT NULL,
  identity_key TEXT NOT NULL,
  not_before   INTEGER NOT NULL,
  not_after    INTEGER NOT NULL,
  object       TEXT NOT NULL,
  PRIMARY KEY (agency, serial)
);
CREATE INDEX credentials_officer ON credentials(agency, officer_id);
CREATE TABLE prekeys (
  agency       TEXT NOT NULL,
  officer_id   TEXT NOT NULL,
  prekey_id    INTEGER NOT NULL,
  identity_key TEXT NOT NULL,
  created      INTEGER NOT NULL,
  expires      INTEGER NOT NULL,
  object       TEXT NOT NULL,
  PRIMARY KEY (agency, officer_id, prekey_id)
);
CREATE TABLE revocation_lists (
  agency   TEXT PRIMARY KEY,
  sequence INTEGER NOT NULL,
  object   TEXT NOT NULL
);
`;

export interface RelayDatabase {
  db: Database;
  path: string;
  close(): void;
}

/**
 * Opens (creating if needed) the database in `dataDir`, which is made 0700. A lock file holding the
 * process id keeps a second relay off the same folder; a lock left by a process that no longer exists
 * (after a crash or SIGKILL) is taken over.
 */
export function openRelayDatabase(dataDir: string, maxDatabaseBytes: number | null = null): RelayDatabase {
  const path = join(dataDir, RELAY_DB_FILE);
  let db: Database | null = null;
  let locked = false;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    takeLock(dataDir);
    locked = true;
    // Created first, exclusively, to fix its mode; SQLite gives the -wal and -shm files the same mode.
    if (!existsSync(path)) closeSync(openSync(path, 'wx', 0o600));
    // Cached statements: the hot paths prepare the same few queries thousands of times a second.
    db = new Database(path, { cacheStatements: true });
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new EntenteError('relay_storage_failed', `the relay's data folder does not support WAL (journal mode stayed ${String(mode)}); use a local disk`);
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    // A backup tool reading the file takes locks briefly; wait for them rather than fail a commit.
    db.exec('PRAGMA busy_timeout = 5000');
    migrate(db);
    if (maxDatabaseBytes !== null) {
      const pageSize = Number(db.pragma('page_size', { simple: true }));
      // An integer we computed, never user text.
      db.exec(`PRAGMA max_page_count = ${Math.max(1, Math.floor(maxDatabaseBytes / pageSize))}`);
    }
    const opened = db;
    return {
      db: opened,
      path,
      close() {
        try {
          // Folds the WAL back into the main file, so a stopped relay's folder is one file to copy.
          opened.exec('PRAGMA wal_checkpoint(TRUNCATE)');
        } catch {
          // A failed checkpoint loses nothing: the WAL is replayed at the next open.
        }
        opened.close();
        releaseLock(dataDir);
      },
    };
  } catch (err) {
    db?.close();
    if (locked) releaseLock(dataDir);
    if (err instanceof EntenteError) throw err;
    throw new EntenteError('relay_storage_failed', `the relay's database in ${dataDir} could not be opened (${sqliteCode(err) ?? (err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
}

function migrate(db: Database): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version === SCHEMA_VERSION) return;
  if (version > SCHEMA_VERSION) throw new EntenteError('database_newer', `the relay's database has schema version ${version}; this relay knows up to ${SCHEMA_VERSION}. Update Entente.`);
  db.transaction(() => {
    db.exec(SCHEMA);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  })();
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeLock(dataDir: string): void {
  const lock = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readFileSync(lock, 'utf8'), 10);
      if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
        throw new EntenteError('relay_storage_failed', `another relay (process ${holder}) is using ${dataDir}; stop it first, or remove ${lock} if that process is not a relay`);
      }
      rmSync(lock, { force: true });
    }
  }
  throw new EntenteError('relay_storage_failed', `could not lock ${dataDir}`);
}

function releaseLock(dataDir: string): void {
  rmSync(join(dataDir, LOCK_FILE), { force: true });
}
