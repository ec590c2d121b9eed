import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportAuditLog } from '../../../main/audit/export';
import { manifestPathFor } from '../../../main/audit/export-format';
import { verifyAuditLog } from '../../../main/audit/verify';
import { createChannel } from '../../../main/messaging/channels';
import { createMessagingContext, type MessagingContext } from '../../../main/messaging/context';
import { receiveEnvelope } from '../../../main/messaging/receive';
import { searchNotes } from '../../../main/messaging/search';
import { sendNote } from '../../../main/messaging/send';
import type { Profile } from '../../../main/identity/profile';
import { FRA, GBR, REL_NATO, buildAlliance, type Alliance } from '../../helpers/alliance';
import { textNeedles } from '../../helpers/needles';
import { tempDir } from '../../helpers/tmp';

/**
 * Issue 7, item 5: a note's text never reaches the audit history. A sentinel sent as note text through
 * the real send and receive pipelines (with the profiles' real audit logs, not a memory sink) is found
 * in the note store — the test would see it — and in no audit row, checkpoint or export.
 */
const SENTINEL = 'Quetzal7 SENTINEL-4f1c9 porte dérobée';
const WORD = 'Quetzal7';

describe('note text never enters the audit history', () => {
  let a: Alliance;
  let tmp: ReturnType<typeof tempDir>;
  let fr: MessagingContext;
  let uk: MessagingContext;
  let noteId: string;

  beforeAll(async () => {
    tmp = tempDir();
    a = await buildAlliance(
      [
        { agency: 'fr-dgsi', officerId: 'amartin', classifications: [1, 2, 3, 4] },
        { agency: 'uk-demo', officerId: 'bsmith', classifications: [1, 2, 3, 4] },
      ],
      [{ between: ['fr-dgsi', 'uk-demo'], ceiling: 4, categories: [FRA, GBR, REL_NATO] }],
    );
    // Contexts that report to the profiles' own audit logs.
    fr = createMessagingContext(a.p('amartin').profile, { now: () => a.clock.t });
    uk = createMessagingContext(a.p('bsmith').profile, { now: () => a.clock.t });
    const channel = createChannel(fr, { name: 'Liaison', members: [{ agency: 'uk-demo', officerId: 'bsmith' }] });
    expect(receiveEnvelope(uk, channel.envelope).status).toBe('stored');
    const sent = sendNote(fr, { channelId: channel.channelId, label: a.label('NATO SECRET REL TO FRA, GBR'), text: SENTINEL });
    noteId = sent.note.noteId;
    expect(receiveEnvelope(uk, sent.envelope).status).toBe('stored');
    expect(receiveEnvelope(uk, sent.envelope)).toMatchObject({ status: 'rejected', code: 'note_replayed' });
    expect(searchNotes(uk, WORD).map((n) => n.noteId)).toEqual([noteId]);
  });
  afterAll(() => {
    a.close();
    tmp.remove();
  });

  /** Every byte of the audit tables, as SQLite hands them back decrypted. */
  function auditBytes(profile: Profile): Buffer {
    const conn = profile.db.connection;
    const parts: Buffer[] = [];
    for (const r of conn.prepare('SELECT CAST(entry AS BLOB) AS e, prev, hash FROM audit_log').all()) parts.push(Buffer.from(r.e as Uint8Array), Buffer.from(r.prev as Uint8Array), Buffer.from(r.hash as Uint8Array));
    for (const t of conn.prepare('SELECT CAST(checkpoint AS BLOB) FROM audit_checkpoints', { pluck: true }).all()) parts.push(Buffer.from(t as Uint8Array));
    return Buffer.concat(parts);
  }

  it('the sentinel really was sent, received and is searchable (the check below could see it)', () => {
    expect(uk.notes.note(noteId)?.body).toBe(SENTINEL);
    expect(fr.notes.note(noteId)?.body).toBe(SENTINEL);
  });

  it('the events were recorded, with label and ids, in chains that verify', () => {
    const types = (p: Profile) => p.db.connection.prepare('SELECT type FROM audit_log', { pluck: true }).all();
    expect(types(a.p('amartin').profile)).toEqual(expect.arrayContaining(['channel_created', 'note_sealed']));
    expect(types(a.p('bsmith').profile)).toEqual(expect.arrayContaining(['channel_created', 'note_received', 'note_rejected', 'search_run']));
    const sealed = a.p('amartin').profile.db.connection.prepare("SELECT entry FROM audit_log WHERE type = 'note_sealed' AND json_extract(entry, '$.details.kind') = 'note'", { pluck: true }).all().map(String);
    expect(sealed).toHaveLength(1);
    expect(sealed[0]).toContain(noteId);
    expect(sealed[0]).toContain('"classification":4'); // NATO SECRET
    for (const id of ['amartin', 'bsmith']) expect(verifyAuditLog(a.p(id).profile.auditLog).ok).toBe(true);
  });

  it('appears in no audit row, checkpoint or export of either profile', () => {
    const needles = [...textNeedles('sentinel', SENTINEL), ...textNeedles('sentinel word', WORD)];
    for (const id of ['amartin', 'bsmith']) {
      const profile = a.p(id).profile;
      const rows = auditBytes(profile);
      expect(rows.length).toBeGreaterThan(1000);
      for (const [what, needle] of needles) expect(rows.includes(needle), `${id} audit rows: ${what}`).toBe(false);
      const out = join(tmp.path, `${id}.jsonl`);
      exportAuditLog(profile.auditLog, out);
      for (const file of [out, manifestPathFor(out)]) {
        const bytes = readFileSync(file);
        for (const [what, needle] of needles) expect(bytes.includes(needle), `${file}: ${what}`).toBe(false);
      }
    }
  });
});
