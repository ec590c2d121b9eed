import { EntenteError } from '../../shared/errors';
import { DisplayName } from '../trust/fields';
import type { EncryptedDatabase } from './database';
import { LabelReader, corrupt, int, officer, text } from './note-rows';
import { ChannelInput, Millis, OfficerList, OfficerRefInput, RecordId, checked, type ChannelRecord, type ChannelSummary, type OfficerRef } from './note-types';

/** Channels and their members (migration 6). Membership decisions are the messaging layer's. */

export function requireChannel(db: EncryptedDatabase, channelId: string): void {
  const found = db.connection.prepare('SELECT 1 FROM channels WHERE channel_id = ?', { pluck: true }).get([channelId]);
  if (found === undefined) throw new EntenteError('channel_unknown', 'There is no such channel in this profile.');
}

export function createChannel(db: EncryptedDatabase, input: Omit<ChannelRecord, 'updatedAt'>): void {
  const c = checked(ChannelInput, input, 'channel');
  db.transaction(() => {
    const conn = db.connection;
    if (conn.prepare('SELECT 1 FROM channels WHERE channel_id = ?', { pluck: true }).get([c.channelId]) !== undefined) {
      throw new EntenteError('channel_exists', 'A channel with this id already exists; it was left unchanged.');
    }
    conn
      .prepare('INSERT INTO channels (channel_id, name, admin_agency, admin_officer, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run([c.channelId, c.name, c.admin.agency, c.admin.officerId, c.createdAt, c.createdAt]);
    insertMembers(db, c.channelId, c.members, c.createdAt);
  });
}

function insertMembers(db: EncryptedDatabase, channelId: string, members: readonly OfficerRef[], at: number): void {
  const insert = db.connection.prepare('INSERT INTO channel_members (channel_id, agency_id, officer_id, added_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  for (const m of members) insert.run([channelId, m.agency, m.officerId, at]);
}

function membersOf(db: EncryptedDatabase, channelId: string): OfficerRef[] {
  return db.connection
    .prepare('SELECT agency_id, officer_id FROM channel_members WHERE channel_id = ? ORDER BY agency_id, officer_id')
    .all([channelId])
    .map((r) => officer(r, 'agency_id', 'officer_id'));
}

function channelFromRow(row: Record<string, unknown>, members: OfficerRef[]): ChannelRecord {
  return {
    channelId: text(row, 'channel_id'),
    name: text(row, 'name'),
    admin: officer(row, 'admin_agency', 'admin_officer'),
    members,
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
}

const CHANNEL_COLUMNS = 'channel_id, name, admin_agency, admin_officer, created_at, updated_at';

export function channel(db: EncryptedDatabase, id: string): ChannelRecord | undefined {
  const channelId = checked(RecordId, id, 'channel id');
  const row = db.connection.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE channel_id = ?`).get([channelId]);
  return row === undefined ? undefined : channelFromRow(row, membersOf(db, channelId));
}

/**
 * Every channel with its unread count, labels present and last note time, newest activity first
 * (the later of its last note and its last change). Each figure comes from an index or the
 * trigger-kept channel_labels table, so a channel of 100,000 notes costs what an empty one does.
 */
export function channels(db: EncryptedDatabase): ChannelSummary[] {
  const conn = db.connection;
  const lastAt = conn.prepare('SELECT max(sent_at) FROM notes WHERE channel_id = ?', { pluck: true });
  const unread = conn.prepare('SELECT count(*) FROM notes WHERE channel_id = ? AND read = 0', { pluck: true });
  const labels = conn.prepare('SELECT label FROM channel_labels WHERE channel_id = ? ORDER BY label', { pluck: true });
  const reader = new LabelReader();
  const out = conn.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels`).all().map((row): ChannelSummary => {
    const record = channelFromRow(row, membersOf(db, text(row, 'channel_id')));
    const last = lastAt.get([record.channelId]);
    if (last !== null && (typeof last !== 'number' || !Number.isSafeInteger(last))) throw corrupt('a note time is not an integer');
    const count = unread.get([record.channelId]);
    const labelList = labels.all([record.channelId]).map((l) => {
      if (typeof l !== 'string') throw corrupt('a channel label is not text');
      // Checked like a note's label: the list decides the banner, so a damaged entry must not pass.
      reader.read(l);
      return l;
    });
    return { ...record, unread: Number(count), labels: labelList, lastAt: last ?? null };
  });
  const activity = (c: ChannelSummary) => Math.max(c.updatedAt, c.lastAt ?? 0);
  return out.sort((a, b) => activity(b) - activity(a) || (a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0));
}

function touch(db: EncryptedDatabase, channelId: string, at: number): void {
  db.connection.prepare('UPDATE channels SET updated_at = ? WHERE channel_id = ?').run([at, channelId]);
}

export function renameChannel(db: EncryptedDatabase, id: string, name: string, at: number): void {
  const channelId = checked(RecordId, id, 'channel id');
  const newName = checked(DisplayName, name, 'channel name');
  const when = checked(Millis, at, 'time');
  db.transaction(() => {
    requireChannel(db, channelId);
    db.connection.prepare('UPDATE channels SET name = ? WHERE channel_id = ?').run([newName, channelId]);
    touch(db, channelId, when);
  });
}

export function addMembers(db: EncryptedDatabase, id: string, members: readonly OfficerRef[], at: number): void {
  const channelId = checked(RecordId, id, 'channel id');
  const list = checked(OfficerList(0), members, 'members');
  const when = checked(Millis, at, 'time');
  db.transaction(() => {
    requireChannel(db, channelId);
    insertMembers(db, channelId, list, when);
    touch(db, channelId, when);
  });
}

/** Refuses the whole change (channel_member_unknown) if any officer listed is not a member. */
export function removeMembers(db: EncryptedDatabase, id: string, members: readonly OfficerRef[], at: number): void {
  const channelId = checked(RecordId, id, 'channel id');
  const list = checked(OfficerList(0), members, 'members');
  const when = checked(Millis, at, 'time');
  db.transaction(() => {
    requireChannel(db, channelId);
    const remove = db.connection.prepare('DELETE FROM channel_members WHERE channel_id = ? AND agency_id = ? AND officer_id = ?');
    for (const m of list) {
      if (remove.run([channelId, m.agency, m.officerId]).changes === 0) {
        throw new EntenteError('channel_member_unknown', `${m.officerId} (${m.agency}) is not a member of this channel; nothing was changed.`);
      }
    }
    touch(db, channelId, when);
  });
}

export function isMember(db: EncryptedDatabase, id: string, who: OfficerRef): boolean {
  const channelId = checked(RecordId, id, 'channel id');
  const w = checked(OfficerRefInput, who, 'officer');
  return db.connection.prepare('SELECT 1 FROM channel_members WHERE channel_id = ? AND agency_id = ? AND officer_id = ?', { pluck: true }).get([channelId, w.agency, w.officerId]) !== undefined;
}
