import type { Migration } from './migrator';

/**
 * The profile database's schema history. Append only: a released migration is never edited or
 * reordered, because profiles in the field have already run it. Each later feature (identity keys,
 * prekeys, contacts, channels, notes, outbox, audit) adds its tables as the next version.
 *
 * Migrations run inside one transaction with `foreign_keys=ON`, which SQLite cannot switch off inside a
 * transaction: a migration that rebuilds a referenced table uses `PRAGMA defer_foreign_keys = ON`.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'meta key/value table',
    up(db) {
      db.exec(`CREATE TABLE meta (
        key   TEXT PRIMARY KEY NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
        value TEXT NOT NULL
      ) STRICT, WITHOUT ROWID`);
    },
  },
];
