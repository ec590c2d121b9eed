import { expect } from 'vitest';
import { join } from 'node:path';
import type { Profile } from '../../../main/identity/profile';
import type { EncryptedDatabase } from '../../../main/store/database';
import { NoteStore, type NewNote, type OfficerRef } from '../../../main/store/note-store';
import type { Label } from '../../../shared/labels/model';
import { EntenteError } from '../../../shared/errors';
import { newProfile } from '../../helpers/profile';
import { tempDir } from '../../helpers/tmp';

/** Shared by the note-store*.test.ts files: a real unlocked profile, officers, labels, notes. */

export const ALICE: OfficerRef = { agency: 'fr-dgsi', officerId: 'alice' };
export const BOB: OfficerRef = { agency: 'uk-mi5', officerId: 'bob' };
export const CAROL: OfficerRef = { agency: 'fr-dgsi', officerId: 'carol' };

export const NATO = '1.3.26.1.3.1';
export const UNCLASSIFIED: Label = { policyId: NATO, classification: 1, categories: [] };
export const CONFIDENTIAL: Label = {
  policyId: NATO,
  classification: 3,
  // Deliberately out of order: the store keeps the canonical form.
  categories: [
    { tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 826 },
    { tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 250 },
  ],
};
export const SECRET: Label = { policyId: NATO, classification: 4, categories: [] };

export const T0 = Date.parse('2026-05-01T10:00:00Z');
export const CHANNEL = 'chan-ops';

export interface Opened {
  profile: Profile;
  store: NoteStore;
  dir: string;
  close(): void;
}

/** A fresh profile (migrated to the latest schema) with one channel, CHANNEL, of Alice, Bob and Carol. */
export async function openStore(): Promise<Opened> {
  const tmp = tempDir();
  const dir = join(tmp.path, 'p');
  const profile = await newProfile(dir);
  const store = new NoteStore(profile.db);
  store.createChannel({ channelId: CHANNEL, name: 'Opérations', admin: ALICE, members: [ALICE, BOB, CAROL], createdAt: T0 });
  return {
    profile,
    store,
    dir,
    close: () => {
      profile.lock();
      tmp.remove();
    },
  };
}

let counter = 0;

export function note(over: Partial<NewNote> = {}): NewNote {
  counter += 1;
  return {
    noteId: `n-${counter}`,
    channelId: CHANNEL,
    direction: 'in',
    kind: 'note',
    sender: { ...BOB, serial: 7 },
    senderSeq: counter,
    sentAt: T0 + counter * 1000,
    receivedAt: T0 + counter * 1000 + 50,
    label: UNCLASSIFIED,
    body: `note ${counter}`,
    ...over,
  };
}

export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof EntenteError) return err.code;
    throw err;
  }
  throw new Error('expected an EntenteError');
}

const TABLES: Record<string, string> = {
  meta: 'key',
  channels: 'channel_id',
  channel_members: 'channel_id, agency_id, officer_id',
  channel_labels: 'channel_id, label',
  notes: 'seq_no',
  outbox: 'note_id',
  receipts: 'note_id, agency_id, officer_id',
  seen_notes: 'note_id',
  peer_prekeys: 'agency_id, officer_id, prekey_id',
};

/** Every row of the store's tables, to prove that a refused change left them as they were. */
export function dump(db: EncryptedDatabase): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(TABLES)) out[table] = db.connection.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all();
  return out;
}

/** Runs `fn`, expects the error code and that no row of the store changed. */
export function refusedUnchanged(db: EncryptedDatabase, fn: () => unknown, code: string): void {
  const before = dump(db);
  expect(codeOf(fn)).toBe(code);
  expect(dump(db)).toEqual(before);
}

/** FTS5's own check that the index matches the notes table. Throws if not. */
export function checkFtsIntegrity(db: EncryptedDatabase): void {
  db.connection.prepare("INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)").run();
}
