import type { Migration } from './migrator';

/**
 * Schema version 7: the audit history (main/audit, docs/AUDIT.md).
 *
 * `audit_log` holds each entry's canonical JSON exactly as hashed, with the previous and own chain hash.
 * The columns the review screen filters on are VIRTUAL generated columns read out of that JSON: they
 * cannot disagree with what the chain covers, and they cost no space in the table, so verification
 * (which reads every row) decrypts as few pages as possible. Indexes store them.
 *
 * Triggers refuse UPDATE and DELETE: the app itself can only append. Someone holding the database key
 * can drop them; that is what the chain, the signed checkpoints and the copy of the latest checkpoint
 * in keystore.json are for.
 */
export const AUDIT_MIGRATION: Migration = {
  version: 7,
  name: 'audit history: hash-chained entries and signed checkpoints',
  up(db) {
    db.exec(`CREATE TABLE audit_log (
      seq        INTEGER PRIMARY KEY CHECK (seq >= 1),
      entry      TEXT NOT NULL CHECK (json_valid(entry) AND json_extract(entry, '$.seq') = seq),
      prev       BLOB NOT NULL CHECK (length(prev) = 32),
      hash       BLOB NOT NULL CHECK (length(hash) = 32),
      time       TEXT GENERATED ALWAYS AS (json_extract(entry, '$.time')) VIRTUAL,
      day        TEXT GENERATED ALWAYS AS (substr(json_extract(entry, '$.time'), 1, 10)) VIRTUAL,
      type       TEXT GENERATED ALWAYS AS (json_extract(entry, '$.type')) VIRTUAL,
      outcome    TEXT GENERATED ALWAYS AS (json_extract(entry, '$.outcome')) VIRTUAL,
      actor      TEXT GENERATED ALWAYS AS (json_extract(entry, '$.actor')) VIRTUAL,
      channel    TEXT GENERATED ALWAYS AS (json_extract(entry, '$.channel')) VIRTUAL,
      policy_id  TEXT GENERATED ALWAYS AS (json_extract(entry, '$.label.policyId')) VIRTUAL,
      class_lacv INTEGER GENERATED ALWAYS AS (json_extract(entry, '$.label.classification')) VIRTUAL
    ) STRICT`);
    // Each filter of the review screen, ending in seq so that a page (newest first) reads in index order.
    db.exec('CREATE INDEX audit_by_type ON audit_log (type, seq)');
    db.exec('CREATE INDEX audit_by_outcome ON audit_log (outcome, seq)');
    db.exec('CREATE INDEX audit_by_actor ON audit_log (actor, seq) WHERE actor IS NOT NULL');
    db.exec('CREATE INDEX audit_by_channel ON audit_log (channel, seq) WHERE channel IS NOT NULL');
    db.exec('CREATE INDEX audit_by_label ON audit_log (policy_id, class_lacv, seq) WHERE policy_id IS NOT NULL');
    db.exec('CREATE INDEX audit_by_time ON audit_log (time)');
    // The activity chart: grouped in index order (no sort) and counted from the index alone, without
    // decrypting the entries; a time range is a range of days, refined by `time`.
    db.exec('CREATE INDEX audit_chart ON audit_log (day, policy_id, class_lacv, time, type, outcome)');

    // Checkpoints: signed objects of type audit-checkpoint (main/audit/checkpoint.ts), several per seq allowed.
    db.exec(`CREATE TABLE audit_checkpoints (
      id         INTEGER PRIMARY KEY,
      seq        INTEGER NOT NULL CHECK (seq >= 1),
      reason     TEXT NOT NULL CHECK (reason IN ('interval', 'lock', 'export')),
      checkpoint TEXT NOT NULL
    ) STRICT`);
    db.exec('CREATE INDEX audit_checkpoints_by_seq ON audit_checkpoints (seq)');

    for (const table of ['audit_log', 'audit_checkpoints']) {
      for (const op of ['UPDATE', 'DELETE']) {
        db.exec(`CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table}
          BEGIN SELECT RAISE(ABORT, 'the audit history is append-only'); END`);
      }
    }
  },
};
