import { AUDIT_MIGRATION } from './migration-audit';
import { NOTES_MIGRATION } from './migration-notes';
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
  {
    version: 2,
    name: "officer identity keys",
    up(db) {
      // One row: the officer's Ed25519 signing key and X25519 agreement key (main/identity/officer.ts).
      db.exec(`CREATE TABLE identity (
        id          INTEGER PRIMARY KEY CHECK (id = 1),
        officer_id  TEXT NOT NULL,
        name        TEXT NOT NULL,
        sign_public BLOB NOT NULL CHECK (length(sign_public) = 32),
        sign_secret BLOB NOT NULL CHECK (length(sign_secret) = 64),
        dh_public   BLOB NOT NULL CHECK (length(dh_public) = 32),
        dh_secret   BLOB NOT NULL CHECK (length(dh_secret) = 32),
        created_at  TEXT NOT NULL
      ) STRICT`);
    },
  },
  {
    version: 3,
    name: 'trust store: policies, pinned agencies, credentials',
    up(db) {
      // Each row keeps the signed object's exact file bytes, re-verifiable at any time (main/trust/trust-store.ts).
      db.exec(`CREATE TABLE policies (
        policy_id   TEXT PRIMARY KEY NOT NULL,
        name        TEXT NOT NULL,
        spif        TEXT NOT NULL,
        imported_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID`);
      db.exec(`CREATE TABLE agencies (
        agency_id   TEXT PRIMARY KEY NOT NULL,
        root_key    BLOB NOT NULL CHECK (length(root_key) = 32),
        card        TEXT NOT NULL,
        pinned_at   TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      ) STRICT, WITHOUT ROWID`);
      db.exec(`CREATE TABLE credentials (
        agency_id    TEXT NOT NULL REFERENCES agencies (agency_id),
        serial       INTEGER NOT NULL,
        officer_id   TEXT NOT NULL,
        identity_key BLOB NOT NULL CHECK (length(identity_key) = 32),
        not_before   TEXT NOT NULL,
        not_after    TEXT NOT NULL,
        own          INTEGER NOT NULL CHECK (own IN (0, 1)),
        credential   TEXT NOT NULL,
        imported_at  TEXT NOT NULL,
        PRIMARY KEY (agency_id, serial)
      ) STRICT`);
      db.exec('CREATE INDEX credentials_by_officer ON credentials (agency_id, officer_id)');
    },
  },
  {
    version: 4,
    name: 'trust store: sharing agreements, revocation lists',
    up(db) {
      db.exec(`CREATE TABLE agreements (
        agreement_id TEXT PRIMARY KEY NOT NULL,
        proposer     TEXT NOT NULL REFERENCES agencies (agency_id),
        partner      TEXT NOT NULL REFERENCES agencies (agency_id),
        not_after    TEXT NOT NULL,
        agreement    TEXT NOT NULL,
        imported_at  TEXT NOT NULL
      ) STRICT, WITHOUT ROWID`);
      // One list per agency: the one with the highest sequence seen (main/trust/revocation.ts).
      db.exec(`CREATE TABLE revocation_lists (
        agency_id   TEXT PRIMARY KEY NOT NULL REFERENCES agencies (agency_id),
        sequence    INTEGER NOT NULL CHECK (sequence >= 1),
        list        TEXT NOT NULL,
        imported_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID`);
    },
  },
  {
    version: 5,
    name: 'signed prekeys, peer key verification',
    up(db) {
      // secret is set to NULL when the prekey's grace period ends (secure_delete overwrites the page).
      db.exec(`CREATE TABLE prekeys (
        prekey_id    INTEGER PRIMARY KEY CHECK (prekey_id >= 1),
        public       BLOB NOT NULL CHECK (length(public) = 32),
        secret       BLOB CHECK (secret IS NULL OR length(secret) = 32),
        created_at   TEXT NOT NULL,
        expires_at   TEXT NOT NULL,
        retired_at   TEXT,
        delete_after TEXT,
        deleted_at   TEXT,
        signed       TEXT NOT NULL
      ) STRICT`);
      // The keys last seen for each other officer and whether their safety number was verified.
      db.exec(`CREATE TABLE peer_keys (
        agency_id      TEXT NOT NULL,
        officer_id     TEXT NOT NULL,
        identity_key   BLOB NOT NULL CHECK (length(identity_key) = 32),
        agreement_key  BLOB NOT NULL CHECK (length(agreement_key) = 32),
        not_before     TEXT NOT NULL,
        first_seen     TEXT NOT NULL,
        verified_at    TEXT,
        key_changed_at TEXT,
        PRIMARY KEY (agency_id, officer_id)
      ) STRICT, WITHOUT ROWID`);
    },
  },
  NOTES_MIGRATION,
  AUDIT_MIGRATION,
];
