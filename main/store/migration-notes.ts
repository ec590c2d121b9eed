import type { Migration } from './migrator';

/**
 * Version 6: channels, notes and their full-text index, the outbox with its delivery receipts, the
 * replay-protection sets and other officers' signed prekeys (docs in specs/STORE.md; repository in
 * note-store.ts). Times are ms since the epoch as INTEGER, because they order rows.
 */
export const NOTES_MIGRATION: Migration = {
  version: 6,
  name: 'channels, notes, full-text index, outbox, receipts, seen notes, peer prekeys',
  up(db) {
    db.exec(`CREATE TABLE channels (
      channel_id    TEXT PRIMARY KEY NOT NULL,
      name          TEXT NOT NULL,
      admin_agency  TEXT NOT NULL,
      admin_officer TEXT NOT NULL,
      created_at    INTEGER NOT NULL,
      updated_at    INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID`);
    db.exec(`CREATE TABLE channel_members (
      channel_id TEXT NOT NULL REFERENCES channels (channel_id),
      agency_id  TEXT NOT NULL,
      officer_id TEXT NOT NULL,
      added_at   INTEGER NOT NULL,
      PRIMARY KEY (channel_id, agency_id, officer_id)
    ) STRICT, WITHOUT ROWID`);

    // seq_no is the rowid: the full-text index refers to it, and it breaks ties between equal sent_at.
    db.exec(`CREATE TABLE notes (
      seq_no         INTEGER PRIMARY KEY,
      note_id        TEXT NOT NULL UNIQUE,
      channel_id     TEXT NOT NULL REFERENCES channels (channel_id),
      direction      TEXT NOT NULL CHECK (direction IN ('in', 'out')),
      kind           TEXT NOT NULL CHECK (kind IN ('note', 'control')),
      sender_agency  TEXT NOT NULL,
      sender_officer TEXT NOT NULL,
      sender_serial  INTEGER NOT NULL,
      sender_seq     INTEGER NOT NULL,
      sent_at        INTEGER NOT NULL,
      received_at    INTEGER NOT NULL,
      policy_id      TEXT NOT NULL,
      classification INTEGER NOT NULL,
      label          TEXT NOT NULL,
      body           TEXT NOT NULL,
      read           INTEGER NOT NULL CHECK (read IN (0, 1))
    ) STRICT`);
    db.exec('CREATE INDEX notes_by_channel_time ON notes (channel_id, sent_at DESC, seq_no DESC)');
    // Only unread rows are indexed, so the unread badge of a large channel costs as many rows as it counts.
    db.exec('CREATE INDEX notes_unread ON notes (channel_id) WHERE read = 0');

    // The labels present in each channel, kept by trigger: the list's "highest label present" must not
    // scan a channel's notes. A deleted note leaves its label listed, which can only overstate.
    db.exec(`CREATE TABLE channel_labels (
      channel_id TEXT NOT NULL REFERENCES channels (channel_id),
      label      TEXT NOT NULL,
      PRIMARY KEY (channel_id, label)
    ) STRICT, WITHOUT ROWID`);

    // External content: the text lives once, in notes.body. remove_diacritics 2 lets "ete" find "été".
    db.exec(`CREATE VIRTUAL TABLE notes_fts USING fts5 (
      body, content = 'notes', content_rowid = 'seq_no', tokenize = 'unicode61 remove_diacritics 2'
    )`);
    // A deleted note's words are removed from the index itself, not only hidden (FTS5 secure-delete).
    db.exec(`INSERT INTO notes_fts (notes_fts, rank) VALUES ('secure-delete', 1)`);
    db.exec(`CREATE TRIGGER notes_after_insert AFTER INSERT ON notes BEGIN
      INSERT INTO notes_fts (rowid, body) VALUES (new.seq_no, new.body);
      INSERT INTO channel_labels (channel_id, label) VALUES (new.channel_id, new.label) ON CONFLICT DO NOTHING;
    END`);
    // A label changed in place (by a later migration, or by damage) is listed too, so searches check it.
    db.exec(`CREATE TRIGGER notes_label_update AFTER UPDATE OF channel_id, label ON notes BEGIN
      INSERT INTO channel_labels (channel_id, label) VALUES (new.channel_id, new.label) ON CONFLICT DO NOTHING;
    END`);
    db.exec(`CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
      INSERT INTO notes_fts (notes_fts, rowid, body) VALUES ('delete', old.seq_no, old.body);
    END`);
    db.exec(`CREATE TRIGGER notes_fts_update AFTER UPDATE OF seq_no, body ON notes BEGIN
      INSERT INTO notes_fts (notes_fts, rowid, body) VALUES ('delete', old.seq_no, old.body);
      INSERT INTO notes_fts (rowid, body) VALUES (new.seq_no, new.body);
    END`);

    // 'stored' = the relay acknowledged; the row stays until every recipient's receipt is 'delivered'.
    db.exec(`CREATE TABLE outbox (
      note_id         TEXT PRIMARY KEY NOT NULL,
      channel_id      TEXT NOT NULL REFERENCES channels (channel_id),
      envelope        BLOB NOT NULL,
      recipients      TEXT NOT NULL,
      created_at      INTEGER NOT NULL,
      attempts        INTEGER NOT NULL CHECK (attempts >= 0),
      next_attempt_at INTEGER NOT NULL,
      state           TEXT NOT NULL CHECK (state IN ('queued', 'stored'))
    ) STRICT, WITHOUT ROWID`);
    db.exec('CREATE INDEX outbox_due ON outbox (state, next_attempt_at)');
    db.exec(`CREATE TABLE receipts (
      note_id    TEXT NOT NULL,
      agency_id  TEXT NOT NULL,
      officer_id TEXT NOT NULL,
      state      TEXT NOT NULL CHECK (state IN ('queued', 'stored', 'delivered')),
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (note_id, agency_id, officer_id)
    ) STRICT, WITHOUT ROWID`);

    // Replay protection: a note id is accepted once, and a sender's sequence number names one note.
    db.exec(`CREATE TABLE seen_notes (
      note_id        TEXT PRIMARY KEY NOT NULL,
      sender_agency  TEXT NOT NULL,
      sender_officer TEXT NOT NULL,
      sender_serial  INTEGER NOT NULL,
      sender_seq     INTEGER NOT NULL,
      note_time      INTEGER NOT NULL,
      seen_at        INTEGER NOT NULL,
      UNIQUE (sender_agency, sender_officer, sender_serial, sender_seq)
    ) STRICT, WITHOUT ROWID`);
    db.exec('CREATE INDEX seen_notes_by_time ON seen_notes (note_time)');

    // Other officers' signed prekeys as their exact signed text, verified by the caller before storing.
    db.exec(`CREATE TABLE peer_prekeys (
      agency_id  TEXT NOT NULL,
      officer_id TEXT NOT NULL,
      prekey_id  INTEGER NOT NULL CHECK (prekey_id >= 1),
      expires_at INTEGER NOT NULL,
      signed     TEXT NOT NULL,
      PRIMARY KEY (agency_id, officer_id, prekey_id)
    ) STRICT, WITHOUT ROWID`);
  },
};
