import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openEncryptedDatabase } from '../../../main/store/database';
import { getMeta, setMeta } from '../../../main/store/meta';
import { NOTES_MIGRATION } from '../../../main/store/migration-notes';
import { MIGRATIONS } from '../../../main/store/migrations';
import { NoteStore, type NoteRecord } from '../../../main/store/note-store';
import { canonicalLabel } from '../../../shared/labels/canonical-json';
import { findNeedles, textNeedles } from '../../helpers/needles';
import { tempDir } from '../../helpers/tmp';
import { ALICE, BOB, CAROL, CHANNEL, CONFIDENTIAL, SECRET, T0, UNCLASSIFIED, checkFtsIntegrity, codeOf, dump, note, openStore, refusedUnchanged, type Opened } from './note-store.fixtures';

describe('note store: schema and migration 6', () => {
  it('is version 6 of the shipped list', () => {
    expect(MIGRATIONS[5]).toBe(NOTES_MIGRATION);
    expect(NOTES_MIGRATION.version).toBe(6);
  });

  it('upgrades an existing version-5 database, keeping what it held', () => {
    const tmp = tempDir();
    try {
      const path = join(tmp.path, 'old.db');
      const key = new Uint8Array(randomBytes(32));
      const old = openEncryptedDatabase(path, key, { mode: 'create', migrations: MIGRATIONS.slice(0, 5) });
      setMeta(old, 'profile.created_at', '2025-01-01T00:00:00.000Z');
      old.connection
        .prepare('INSERT INTO peer_keys (agency_id, officer_id, identity_key, agreement_key, not_before, first_seen) VALUES (?, ?, ?, ?, ?, ?)')
        .run(['uk-mi5', 'bob', new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z']);
      expect(old.schemaVersion).toBe(5);
      old.close();

      const db = openEncryptedDatabase(path, key, { mode: 'existing' });
      try {
        expect(db.migration.from).toBe(5);
        expect(db.migration.applied).toContain(6);
        expect(getMeta(db, 'profile.created_at')).toBe('2025-01-01T00:00:00.000Z');
        expect(db.connection.prepare('SELECT officer_id FROM peer_keys', { pluck: true }).all()).toEqual(['bob']);
        const store = new NoteStore(db);
        store.createChannel({ channelId: 'c', name: 'Upgraded', admin: ALICE, members: [ALICE], createdAt: T0 });
        expect(store.insertNote(note({ channelId: 'c', body: 'après la mise à jour' }))).toBe('new');
        expect(store.search('apres', { limit: 5, mayRead: () => true })).toHaveLength(1);
        expect(db.integrityProblems()).toEqual([]);
      } finally {
        db.close();
      }
    } finally {
      tmp.remove();
    }
  });
});

describe('note store: channels', () => {
  let o: Opened;
  beforeEach(async () => {
    o = await openStore();
  });
  afterEach(() => o.close());

  it('creates, reads, renames and changes members of a channel', () => {
    o.store.createChannel({ channelId: 'c2', name: 'Liaison', admin: BOB, members: [BOB, CAROL], createdAt: T0 + 5 });
    expect(o.store.channel('c2')).toEqual({ channelId: 'c2', name: 'Liaison', admin: BOB, members: [CAROL, BOB], createdAt: T0 + 5, updatedAt: T0 + 5 });
    o.store.renameChannel('c2', 'Liaison Nord', T0 + 10);
    o.store.addMembers('c2', [ALICE, BOB], T0 + 20); // Bob already a member: kept as he was
    expect(o.store.isMember('c2', ALICE)).toBe(true);
    o.store.removeMembers('c2', [CAROL], T0 + 30);
    expect(o.store.isMember('c2', CAROL)).toBe(false);
    expect(o.store.channel('c2')).toMatchObject({ name: 'Liaison Nord', members: [ALICE, BOB], updatedAt: T0 + 30 });
    expect(o.store.channel('absent')).toBeUndefined();
    expect(o.store.isMember('absent', ALICE)).toBe(false);
  });

  it('lists channels newest activity first, with unread count, labels present and last note time', () => {
    o.store.createChannel({ channelId: 'quiet', name: 'Quiet', admin: ALICE, members: [ALICE], createdAt: T0 + 500_000 });
    expect(o.store.channels().map((c) => c.channelId)).toEqual(['quiet', CHANNEL]);
    o.store.insertNote(note({ sentAt: T0 + 600_000, label: SECRET }));
    o.store.insertNote(note({ sentAt: T0 + 1000, label: CONFIDENTIAL }));
    o.store.insertNote(note({ sentAt: T0 + 2000, direction: 'out', sender: { ...ALICE, serial: 1 } }));
    const [first, second] = o.store.channels();
    expect(first).toMatchObject({ channelId: CHANNEL, unread: 2, lastAt: T0 + 600_000 });
    expect(first?.labels.sort()).toEqual([canonicalLabel(UNCLASSIFIED), canonicalLabel(CONFIDENTIAL), canonicalLabel(SECRET)].sort());
    expect(second).toMatchObject({ channelId: 'quiet', unread: 0, labels: [], lastAt: null });
  });

  it('refuses a duplicate channel and leaves the first as it was', () => {
    refusedUnchanged(o.profile.db, () => o.store.createChannel({ channelId: CHANNEL, name: 'Hijack', admin: BOB, members: [BOB], createdAt: T0 + 1 }), 'channel_exists');
    expect(o.store.channel(CHANNEL)?.name).toBe('Opérations');
  });

  it('refuses changes to an unknown channel, or removing a non-member, changing nothing', () => {
    const db = o.profile.db;
    refusedUnchanged(db, () => o.store.renameChannel('nope', 'X', T0), 'channel_unknown');
    refusedUnchanged(db, () => o.store.addMembers('nope', [ALICE], T0), 'channel_unknown');
    refusedUnchanged(db, () => o.store.removeMembers('nope', [ALICE], T0), 'channel_unknown');
    // Carol is a member, Dan is not: neither is removed.
    refusedUnchanged(db, () => o.store.removeMembers(CHANNEL, [CAROL, { agency: 'fr-dgsi', officerId: 'dan' }], T0 + 9), 'channel_member_unknown');
    expect(o.store.isMember(CHANNEL, CAROL)).toBe(true);
  });

  it('refuses malformed channel input, changing nothing', () => {
    const db = o.profile.db;
    const base = { channelId: 'c3', name: 'Ok', admin: ALICE, members: [ALICE], createdAt: T0 };
    const bad: unknown[] = [
      { ...base, channelId: '' },
      { ...base, channelId: 'x'.repeat(201) },
      { ...base, channelId: 'tab\there' },
      { ...base, name: '' },
      { ...base, name: ' padded ' },
      { ...base, admin: { agency: 'FR DGSI', officerId: 'alice' } },
      { ...base, members: [ALICE, ALICE] },
      { ...base, members: [{ agency: 'fr-dgsi', officerId: 'a/b' }] },
      { ...base, createdAt: -1 },
      { ...base, createdAt: 1.5 },
      { ...base, createdAt: '2026' },
      null,
    ];
    for (const c of bad) refusedUnchanged(db, () => o.store.createChannel(c as never), 'invalid_input');
    refusedUnchanged(db, () => o.store.renameChannel(CHANNEL, '\u0000', T0), 'invalid_input');
    refusedUnchanged(db, () => o.store.addMembers(CHANNEL, [BOB, BOB], T0), 'invalid_input');
    expect(o.store.channel('c3')).toBeUndefined();
  });
});

describe('note store: notes', () => {
  let o: Opened;
  beforeEach(async () => {
    o = await openStore();
  });
  afterEach(() => o.close());

  it('stores a note and reads it back with its canonical label', () => {
    const n = note({ label: CONFIDENTIAL, body: 'Le convoi arrive à l’aube.' });
    expect(o.store.insertNote(n)).toBe('new');
    const back = o.store.note(n.noteId) as NoteRecord;
    expect(back).toEqual({ ...n, labelJson: canonicalLabel(CONFIDENTIAL), label: JSON.parse(canonicalLabel(CONFIDENTIAL)), read: false });
    expect(back.label.categories.map((c) => c.lacv)).toEqual([250, 826]);
    expect(o.store.note('absent')).toBeUndefined();
    // The officer's own notes are read; received ones are not, unless said otherwise.
    const own = note({ direction: 'out', sender: { ...ALICE, serial: 1 } });
    o.store.insertNote(own);
    expect(o.store.note(own.noteId)?.read).toBe(true);
    const seenElsewhere = note({ read: true });
    o.store.insertNote(seenElsewhere);
    expect(o.store.note(seenElsewhere.noteId)?.read).toBe(true);
    checkFtsIntegrity(o.profile.db);
  });

  it('is idempotent on the note id: a second copy changes nothing', () => {
    const n = note({ body: 'original' });
    expect(o.store.insertNote(n)).toBe('new');
    const before = dump(o.profile.db);
    expect(o.store.insertNote({ ...n, body: 'tampered copy', label: SECRET })).toBe('duplicate');
    expect(o.store.insertNotes([n, { ...n, body: 'again' }])).toEqual({ added: 0, duplicates: 2 });
    expect(dump(o.profile.db)).toEqual(before);
    expect(o.store.note(n.noteId)?.body).toBe('original');
    expect(o.store.count(CHANNEL)).toBe(1);
  });

  it('refuses hostile notes, changing nothing', () => {
    const db = o.profile.db;
    refusedUnchanged(db, () => o.store.insertNote(note({ channelId: 'unknown' })), 'channel_unknown');
    refusedUnchanged(db, () => o.store.insertNote(note({ label: { policyId: 'not an oid', classification: 1, categories: [] } })), 'label_malformed');
    refusedUnchanged(db, () => o.store.insertNote(note({ label: { ...UNCLASSIFIED, extra: 1 } as never })), 'label_malformed');
    const bad: unknown[] = [
      note({ noteId: '' }),
      note({ direction: 'sideways' as never }),
      note({ kind: 'other' as never }),
      note({ sentAt: Number.NaN }),
      note({ sentAt: Number.MAX_SAFE_INTEGER + 2 }),
      note({ senderSeq: -1 }),
      note({ sender: { ...BOB, serial: 0 } }),
      note({ sender: { agency: 'uk-mi5', officerId: 'Bob Smith', serial: 1 } }),
      note({ body: 42 as never }),
      note({ body: 'x'.repeat(1_000_001) }),
      'a note',
    ];
    for (const n of bad) refusedUnchanged(db, () => o.store.insertNote(n as never), 'invalid_input');
    refusedUnchanged(db, () => o.store.insertNote({ ...note(), label: undefined as never }), 'label_malformed');
    // A batch is all or nothing.
    refusedUnchanged(db, () => o.store.insertNotes([note(), note({ channelId: 'unknown' }), note()]), 'channel_unknown');
    expect(o.store.count(CHANNEL)).toBe(0);
  });

  it('pages newest first across equal sentAt values without losing or repeating a note', () => {
    // 23 notes over 6 distinct times, inserted out of order.
    const times = [3, 1, 3, 2, 2, 5, 1, 3, 4, 4, 2, 5, 1, 3, 0, 0, 4, 2, 5, 3, 1, 0, 3];
    const notes = times.map((t, i) => note({ noteId: `p-${i}`, sentAt: T0 + t * 1000 }));
    o.store.insertNotes(notes);
    // Expected: sentAt descending, then later arrival first.
    const expected = notes.map((n, i) => ({ id: n.noteId, t: n.sentAt, i })).sort((a, b) => b.t - a.t || b.i - a.i).map((x) => x.id);
    for (const size of [1, 2, 3, 4, 7, 23, 50]) {
      const seen: string[] = [];
      let page = o.store.page(CHANNEL, { limit: size });
      while (page.length > 0 && seen.length <= notes.length) {
        seen.push(...page.map((n) => n.noteId));
        const last = page.at(-1) as NoteRecord;
        page = o.store.page(CHANNEL, { limit: size, before: { sentAt: last.sentAt, noteId: last.noteId } });
      }
      expect(seen).toEqual(expected);
    }
    expect(o.store.count(CHANNEL)).toBe(23);
  });

  it('pages correctly for any arrival order and page size (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 30 }), fc.integer({ min: 1, max: 8 }), (times, size) => {
        const channelId = `prop-${Math.random().toString(36).slice(2)}`;
        o.store.createChannel({ channelId, name: 'Prop', admin: ALICE, members: [], createdAt: T0 });
        const notes = times.map((t) => note({ channelId, sentAt: T0 + t }));
        o.store.insertNotes(notes);
        const expected = notes.map((n, i) => ({ id: n.noteId, t: n.sentAt, i })).sort((a, b) => b.t - a.t || b.i - a.i).map((x) => x.id);
        const seen: string[] = [];
        let page = o.store.page(channelId, { limit: size });
        while (page.length > 0 && seen.length <= notes.length) {
          seen.push(...page.map((n) => n.noteId));
          const last = page.at(-1) as NoteRecord;
          page = o.store.page(channelId, { limit: size, before: { sentAt: last.sentAt, noteId: last.noteId } });
        }
        expect(seen).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses bad paging requests', () => {
    o.store.insertNote(note({ noteId: 'here' }));
    o.store.createChannel({ channelId: 'other', name: 'Other', admin: ALICE, members: [], createdAt: T0 });
    expect(codeOf(() => o.store.page('nope', { limit: 10 }))).toBe('channel_unknown');
    expect(codeOf(() => o.store.count('nope'))).toBe('channel_unknown');
    expect(codeOf(() => o.store.page(CHANNEL, { limit: 0 }))).toBe('invalid_input');
    expect(codeOf(() => o.store.page(CHANNEL, { limit: 1001 }))).toBe('invalid_input');
    expect(codeOf(() => o.store.page(CHANNEL, { limit: 5, before: { sentAt: T0, noteId: 'absent' } }))).toBe('note_missing');
    // A cursor from another channel is not a position in this one.
    expect(codeOf(() => o.store.page('other', { limit: 5, before: { sentAt: T0, noteId: 'here' } }))).toBe('note_missing');
  });

  it('marks notes read, all or none', () => {
    const a = note();
    const b = note();
    o.store.insertNotes([a, b]);
    refusedUnchanged(o.profile.db, () => o.store.markRead([a.noteId, 'absent']), 'note_missing');
    expect(o.store.channels()[0]?.unread).toBe(2);
    o.store.markRead([a.noteId, b.noteId]);
    expect(o.store.note(a.noteId)?.read).toBe(true);
    expect(o.store.channels()[0]?.unread).toBe(0);
    checkFtsIntegrity(o.profile.db);
  });

  it('reports a damaged row as database_corrupt', () => {
    const n = note({ label: SECRET });
    o.store.insertNote(n);
    const conn = o.profile.db.connection;
    const damage = (sql: string, ...params: (string | number)[]) => conn.prepare(sql).run([...params, n.noteId]);
    const original = canonicalLabel(SECRET);
    for (const [sql, value] of [
      ['UPDATE notes SET label = ? WHERE note_id = ?', '{not json'],
      // Valid JSON, valid label, but not canonical (keys out of order): it could have been altered.
      ['UPDATE notes SET label = ? WHERE note_id = ?', '{"policyId":"1.3.26.1.3.1","classification":4,"categories":[]}'],
      ['UPDATE notes SET label = ? WHERE note_id = ?', canonicalLabel(UNCLASSIFIED)], // disagrees with classification column
      ['UPDATE notes SET direction = ? WHERE note_id = ?', 'IN'],
      ['UPDATE notes SET sender_officer = ? WHERE note_id = ?', 'Not An Id'],
    ] as const) {
      conn.exec('PRAGMA ignore_check_constraints = ON');
      damage(sql, value);
      conn.exec('PRAGMA ignore_check_constraints = OFF');
      expect(codeOf(() => o.store.note(n.noteId))).toBe('database_corrupt');
      expect(codeOf(() => o.store.page(CHANNEL, { limit: 10 }))).toBe('database_corrupt');
      conn.prepare('UPDATE notes SET label = ?, direction = ?, sender_officer = ? WHERE note_id = ?').run([original, 'in', 'bob', n.noteId]);
      conn.prepare('DELETE FROM channel_labels WHERE label <> ?').run([original]);
      expect(o.store.note(n.noteId)?.label).toEqual(SECRET);
    }
  });

  it('uses the channel-time index for paging and the unread index for the badge', () => {
    const plan = (sql: string, params: (string | number)[]) => o.profile.db.connection.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params).map((r) => String(r.detail)).join(' | ');
    const page = plan('SELECT note_id FROM notes WHERE channel_id = ? AND sent_at <= ? AND (sent_at < ? OR seq_no < ?) ORDER BY sent_at DESC, seq_no DESC LIMIT ?', [CHANNEL, 1, 1, 1, 50]);
    expect(page).toMatch(/USING INDEX notes_by_channel_time \(channel_id=\? AND sent_at<\?\)/);
    expect(page).not.toMatch(/TEMP B-TREE/);
    expect(plan('SELECT count(*) FROM notes WHERE channel_id = ? AND read = 0', [CHANNEL])).toMatch(/COVERING INDEX notes_unread/);
  });

  it('keeps note text off the disk in plaintext, and refuses use once the profile is locked', () => {
    const secret = 'SENTINEL-note-body-4c1e9d-must-stay-encrypted';
    o.store.insertNote(note({ body: `${secret} été` }));
    o.store.search('sentinel', { limit: 1, mayRead: () => true });
    o.profile.lock();
    expect(findNeedles([o.dir], textNeedles('note body', secret))).toEqual([]);
    expect(codeOf(() => o.store.page(CHANNEL, { limit: 1 }))).toBe('profile_locked');
    expect(codeOf(() => o.store.search('x', { limit: 1, mayRead: () => true }))).toBe('profile_locked');
  });
});
