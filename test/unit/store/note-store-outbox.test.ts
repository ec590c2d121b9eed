import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openKeystore } from '../../../main/identity/keystore';
import { setMeta } from '../../../main/store/meta';
import { NoteStore } from '../../../main/store/note-store';
import { passphrase } from '../../helpers/profile';
import { ALICE, BOB, CAROL, CHANNEL, T0, codeOf, dump, openStore, refusedUnchanged, type Opened } from './note-store.fixtures';

const BOB_1 = { ...BOB, serial: 1 };
const CAROL_1 = { ...CAROL, serial: 7 };

const DAN = { agency: 'fr-dgsi', officerId: 'dan' };

describe('note store: outbox and receipts', () => {
  let o: Opened;
  beforeEach(async () => {
    o = await openStore();
  });
  afterEach(() => o.close());

  const envelope = () => new Uint8Array(Buffer.from('sealed envelope bytes \u0000\u00ff'));
  const enqueue = (noteId: string, createdAt = T0, recipients = [BOB, CAROL]) => o.store.enqueue({ noteId, channelId: CHANNEL, envelope: envelope(), recipients, createdAt });
  const states = (noteId: string) => o.store.receipts(noteId).map((r) => `${r.officerId}:${r.state}@${r.updatedAt - T0}`).sort();

  it('follows a note from enqueue to delivery to every recipient, then drops it', () => {
    enqueue('out-1');
    expect(o.store.outbox()).toEqual([{ noteId: 'out-1', channelId: CHANNEL, envelope: envelope(), recipients: [BOB, CAROL], createdAt: T0, attempts: 0, nextAttemptAt: T0, state: 'queued' }]);
    expect(states('out-1')).toEqual(['bob:queued@0', 'carol:queued@0']);
    expect(o.store.outbox({ dueBy: T0 }).map((e) => e.noteId)).toEqual(['out-1']);

    // A failed attempt: retried later.
    o.store.markAttempt('out-1', T0 + 5_000);
    expect(o.store.outbox({ dueBy: T0 + 4_999 })).toEqual([]);
    expect(o.store.outbox({ dueBy: T0 + 5_000 })[0]).toMatchObject({ attempts: 1, nextAttemptAt: T0 + 5_000 });

    // The relay stored it: no more resends, the row waits for receipts.
    o.store.markAttempt('out-1', T0 + 10_000);
    o.store.markStored('out-1', T0 + 6_000);
    expect(o.store.outbox({ dueBy: T0 + 60_000 })).toEqual([]);
    expect(o.store.outbox()[0]).toMatchObject({ state: 'stored', attempts: 2 });
    expect(states('out-1')).toEqual(['bob:stored@6000', 'carol:stored@6000']);

    o.store.markDelivered('out-1', BOB, T0 + 7_000);
    expect(states('out-1')).toEqual(['bob:delivered@7000', 'carol:stored@6000']);
    o.store.markStored('out-1', T0 + 7_500); // a repeated acknowledgement does not undo a delivery
    o.store.markDelivered('out-1', BOB, T0 + 7_600); // nor does a repeated delivery move its time
    expect(states('out-1')).toEqual(['bob:delivered@7000', 'carol:stored@6000']);
    expect(o.store.outbox()).toHaveLength(1);

    o.store.markDelivered('out-1', CAROL, T0 + 8_000);
    expect(o.store.outbox()).toEqual([]);
    expect(states('out-1')).toEqual(['bob:delivered@7000', 'carol:delivered@8000']);
    // Late duplicates after the row is gone are harmless.
    o.store.markStored('out-1', T0 + 9_000);
    o.store.markDelivered('out-1', CAROL, T0 + 9_000);
    expect(states('out-1')).toEqual(['bob:delivered@7000', 'carol:delivered@8000']);
  });

  it('accepts a delivery before the relay acknowledgement', () => {
    enqueue('out-2', T0, [BOB]);
    o.store.markDelivered('out-2', BOB, T0 + 1);
    expect(o.store.outbox()).toEqual([]);
    expect(states('out-2')).toEqual(['bob:delivered@1']);
  });

  it('lists oldest first and honours the limit', () => {
    enqueue('c', T0 + 2);
    enqueue('a', T0 + 1);
    enqueue('b', T0 + 1);
    expect(o.store.outbox().map((e) => e.noteId)).toEqual(['a', 'b', 'c']);
    expect(o.store.outbox({ limit: 2 }).map((e) => e.noteId)).toEqual(['a', 'b']);
    expect(o.store.outbox({ dueBy: T0 + 1 }).map((e) => e.noteId)).toEqual(['a', 'b']);
  });

  it('refuses hostile outbox changes, changing nothing', () => {
    enqueue('out-3');
    const db = o.profile.db;
    const entry = { noteId: 'x', channelId: CHANNEL, envelope: envelope(), recipients: [BOB], createdAt: T0 };
    refusedUnchanged(db, () => o.store.enqueue({ ...entry, channelId: 'nope' }), 'channel_unknown');
    refusedUnchanged(db, () => o.store.enqueue({ ...entry, noteId: 'out-3' }), 'invalid_input');
    refusedUnchanged(db, () => o.store.enqueue({ ...entry, recipients: [] }), 'invalid_input');
    refusedUnchanged(db, () => o.store.enqueue({ ...entry, recipients: [BOB, BOB] }), 'invalid_input');
    refusedUnchanged(db, () => o.store.enqueue({ ...entry, recipients: [{ agency: 'uk/mi5', officerId: 'bob' }] }), 'invalid_input');
    refusedUnchanged(db, () => o.store.enqueue({ ...entry, envelope: 'bytes' as never }), 'invalid_input');
    refusedUnchanged(db, () => o.store.markAttempt('absent', T0), 'note_missing');
    refusedUnchanged(db, () => o.store.markStored('absent', T0), 'note_missing');
    refusedUnchanged(db, () => o.store.markDelivered('out-3', DAN, T0), 'note_missing');
    refusedUnchanged(db, () => o.store.markDelivered('absent', BOB, T0), 'note_missing');
    refusedUnchanged(db, () => o.store.markAttempt('out-3', -5), 'invalid_input');
    refusedUnchanged(db, () => o.store.outbox({ limit: 0 }), 'invalid_input');
    // Once delivered to all, the same note id cannot be queued again (it would be delivered twice).
    o.store.markDelivered('out-3', BOB, T0);
    o.store.markDelivered('out-3', CAROL, T0);
    refusedUnchanged(db, () => enqueue('out-3'), 'invalid_input');
    expect(o.store.receipts('absent')).toEqual([]);
  });

  it('reports a damaged outbox row as database_corrupt', () => {
    enqueue('out-4');
    o.profile.db.connection.prepare('UPDATE outbox SET recipients = ? WHERE note_id = ?').run(['["uk-mi5/bob/extra"]', 'out-4']);
    expect(codeOf(() => o.store.outbox())).toBe('database_corrupt');
    o.profile.db.connection.prepare('UPDATE outbox SET recipients = ? WHERE note_id = ?').run(['not json', 'out-4']);
    expect(codeOf(() => o.store.outbox())).toBe('database_corrupt');
  });
});

describe('note store: replay protection and send sequence', () => {
  let o: Opened;
  beforeEach(async () => {
    o = await openStore();
  });
  afterEach(() => o.close());

  it('records seen notes and refuses replays and reused sequence numbers, changing nothing', () => {
    const BOB = BOB_1;
    const CAROL = CAROL_1;
    o.store.recordSeen({ noteId: 's1', sender: BOB, seq: 1, noteTime: T0, seenAt: T0 + 10 });
    expect(o.store.seen('s1')).toBe(true);
    expect(o.store.seen('s2')).toBe(false);
    expect(o.store.noteIdForSequence(BOB, 1)).toBe('s1');
    expect(o.store.noteIdForSequence(BOB, 2)).toBeUndefined();
    const db = o.profile.db;
    refusedUnchanged(db, () => o.store.recordSeen({ noteId: 's1', sender: BOB, seq: 2, noteTime: T0, seenAt: T0 }), 'note_replayed');
    refusedUnchanged(db, () => o.store.recordSeen({ noteId: 's2', sender: BOB, seq: 1, noteTime: T0, seenAt: T0 }), 'note_sequence_reused');
    refusedUnchanged(db, () => o.store.recordSeen({ noteId: 's2', sender: { agency: 'UK', officerId: 'bob', serial: 1 }, seq: 1, noteTime: T0, seenAt: T0 }), 'invalid_input');
    // The same number from another sender is another sequence.
    o.store.recordSeen({ noteId: 's3', sender: CAROL, seq: 1, noteTime: T0 + 1000, seenAt: T0 + 1000 });
    expect(o.store.noteIdForSequence(CAROL, 1)).toBe('s3');
  });

  it('scopes sequence numbers by credential, so an officer enrolled again starts again at 1', () => {
    o.store.recordSeen({ noteId: 'old-1', sender: BOB_1, seq: 1, noteTime: T0, seenAt: T0 });
    expect(o.store.noteIdForSequence({ ...BOB_1, serial: 2 }, 1)).toBeUndefined();
    o.store.recordSeen({ noteId: 'new-1', sender: { ...BOB_1, serial: 2 }, seq: 1, noteTime: T0 + 1, seenAt: T0 + 1 });
    expect(o.store.noteIdForSequence({ ...BOB_1, serial: 2 }, 1)).toBe('new-1');
    expect(o.store.noteIdForSequence(BOB_1, 1)).toBe('old-1');
  });

  it('forgets entries older than the freshness window', () => {
    o.store.recordSeen({ noteId: 'old', sender: BOB_1, seq: 1, noteTime: T0, seenAt: T0 });
    o.store.recordSeen({ noteId: 'new', sender: BOB_1, seq: 2, noteTime: T0 + 100, seenAt: T0 + 100 });
    expect(o.store.forgetSeenBefore(T0 + 100)).toBe(1);
    expect(o.store.seen('old')).toBe(false);
    expect(o.store.seen('new')).toBe(true);
    expect(o.store.forgetSeenBefore(T0 + 100)).toBe(0);
  });

  it('hands out send sequence numbers 1, 2, 3… that survive locking and unlocking', async () => {
    expect([o.store.nextSendSequence(), o.store.nextSendSequence(), o.store.nextSendSequence()]).toEqual([1, 2, 3]);
    o.profile.lock();
    const again = await openKeystore(o.dir).unlock(passphrase());
    try {
      const store = new NoteStore(again.db);
      expect(store.nextSendSequence()).toBe(4);
      setMeta(again.db, 'send_seq', 'twelve');
      const before = dump(again.db);
      expect(codeOf(() => store.nextSendSequence())).toBe('database_corrupt');
      expect(dump(again.db)).toEqual(before);
    } finally {
      again.lock();
    }
  });
});

describe('note store: peer prekeys', () => {
  let o: Opened;
  beforeEach(async () => {
    o = await openStore();
  });
  afterEach(() => o.close());

  it('stores, lists newest first, replaces and prunes other officers’ signed prekeys', () => {
    expect(o.store.putPeerPrekey(BOB, 1, T0 + 1000, '{"signed":1}')).toBe('new');
    expect(o.store.putPeerPrekey(BOB, 2, T0 + 2000, '{"signed":2}')).toBe('new');
    expect(o.store.putPeerPrekey(BOB, 2, T0 + 2000, '{"signed":2}')).toBe('unchanged');
    expect(o.store.putPeerPrekey(CAROL, 1, T0 + 500, '{"carol":1}')).toBe('new');
    expect(o.store.peerPrekeys(BOB)).toEqual([
      { prekeyId: 2, expiresAt: T0 + 2000, signed: '{"signed":2}' },
      { prekeyId: 1, expiresAt: T0 + 1000, signed: '{"signed":1}' },
    ]);
    // A re-created profile numbers from 1 again; the caller verified the new one.
    expect(o.store.putPeerPrekey(BOB, 1, T0 + 3000, '{"signed":"again"}')).toBe('new');
    expect(o.store.peerPrekeys(BOB).at(-1)).toEqual({ prekeyId: 1, expiresAt: T0 + 3000, signed: '{"signed":"again"}' });
    expect(o.store.prunePeerPrekeys(T0 + 2001)).toBe(2); // Bob's 2 and Carol's 1
    expect(o.store.peerPrekeys(BOB).map((p) => p.prekeyId)).toEqual([1]);
    expect(o.store.peerPrekeys(CAROL)).toEqual([]);
    expect(o.store.peerPrekeys(ALICE)).toEqual([]);
  });

  it('refuses malformed prekey input, changing nothing', () => {
    const db = o.profile.db;
    refusedUnchanged(db, () => o.store.putPeerPrekey(BOB, 0, T0, 'x'), 'invalid_input');
    refusedUnchanged(db, () => o.store.putPeerPrekey(BOB, 1, T0, ''), 'invalid_input');
    refusedUnchanged(db, () => o.store.putPeerPrekey({ agency: '', officerId: 'bob' }, 1, T0, 'x'), 'invalid_input');
    refusedUnchanged(db, () => o.store.putPeerPrekey(BOB, 1, Number.POSITIVE_INFINITY, 'x'), 'invalid_input');
  });
});
