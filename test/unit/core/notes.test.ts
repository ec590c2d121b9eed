import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DEMO_NOTES } from '../../../main/demo/cast';
import { passphraseBytes } from '../../../main/identity/passphrase';
import { AgencyFolder } from '../../../main/trust/agency-folder';
import { revokeSerial } from '../../../main/trust/revocation';
import { encodeSigned } from '../../../main/trust/signed';
import type { CallOutput } from '../../../shared/api/contract';
import { desktop, removePristineDemo, type Desktop } from '../../helpers/desktop';

/**
 * Reading under need-to-know through the real dispatch, on the demo alliance: Alex (UK, NATO SECRET
 * REL TO GBR) holds the four notes Camille sent. Pages carry metadata and display decisions, never a
 * body; notes.body decides again at each call; lowering the ceiling, travelling or a revoked credential
 * turn shown notes into redaction cards on the very next call.
 */
const NATO = '1.3.26.1.3.1';
const TEXTS = DEMO_NOTES.map((n) => n.text);
type Page = CallOutput<'notes.page'>;

let d: Desktop;
let channelId: string;
beforeAll(async () => {
  d = await desktop();
  channelId = d.manifest.channelId;
  await d.unlockDemo('alex');
}, 120_000);
afterAll(async () => {
  await d.close();
  removePristineDemo();
});

const notesOf = (page: Page) => page.notes.filter((n) => n.kind === 'note');
const byClass = async (): Promise<Map<number, Page['notes'][number]>> => new Map(notesOf(await d.call('notes.page', { channelId })).map((n) => [n.label.classification, n]));
const auditRaw = async (): Promise<string> => {
  const s = await d.service.core.sessions.require();
  return s.profile.db.connection.prepare('SELECT entry FROM audit_log', { pluck: true }).all().join('\n');
};
const auditCount = async (): Promise<number> => Number((await d.service.core.sessions.require()).profile.db.connection.prepare('SELECT count(*) FROM audit_log', { pluck: true }).get());

describe('channels and pages', () => {
  it('lists the channel with its unread count and the highest label it holds', async () => {
    const { channels } = await d.call('channels.list');
    expect(channels).toHaveLength(1);
    expect(channels[0]).toMatchObject({ channelId, name: 'Liaison cell / Cellule de liaison', highest: [{ policyId: NATO, classification: 4, marking: 'NATO SECRET', color: '#C8102E' }] });
    expect(channels[0]?.members).toHaveLength(4);
    expect(channels[0]?.unread).toBeGreaterThanOrEqual(4);
  });

  it('pages notes newest first with marking, colour, sender and a display decision, and no body anywhere', async () => {
    const page = await d.call('notes.page', { channelId });
    expect(page.total).toBe(5); // the channel's creation and four notes
    expect(page.next).toBeNull();
    const notes = notesOf(page);
    expect(notes.map((n) => n.marking)).toEqual(['NATO SECRET REL TO FRA, GBR', 'NATO CONFIDENTIAL', 'NATO RESTRICTED', 'NATO UNCLASSIFIED']);
    expect(notes[0]).toMatchObject({ direction: 'in', sender: { agency: 'fr-demo', officerId: 'camille', name: 'Camille Martin', agencyName: 'Service de liaison (démonstration)' }, color: '#C8102E', classificationName: 'SECRET', delivery: null, display: { show: true } });
    const json = JSON.stringify(page);
    for (const text of TEXTS) expect(json).not.toContain(text.slice(0, 20));
    expect(json).not.toContain('"body"');
  });

  it('renders markings in the language chosen', async () => {
    await d.call('setPrefs', { language: 'fr' });
    try {
      const notes = notesOf(await d.call('notes.page', { channelId }));
      expect(notes.map((n) => n.marking)).toContain('NATO DIFFUSION RESTREINTE');
    } finally {
      await d.call('setPrefs', { language: 'en' });
    }
  });

  it('pages with a cursor without loss or repetition', async () => {
    const first = await d.call('notes.page', { channelId, limit: 2 });
    expect(first.notes).toHaveLength(2);
    expect(first.next).not.toBeNull();
    const second = await d.call('notes.page', { channelId, limit: 2, before: first.next });
    const third = await d.call('notes.page', { channelId, limit: 2, before: second.next });
    expect(third.next).toBeNull();
    const ids = [...first.notes, ...second.notes, ...third.notes].map((n) => n.noteId);
    expect(new Set(ids).size).toBe(5);
  });
});

describe('need-to-know display', () => {
  it('returns a shown note\'s body, records the display and marks it read', async () => {
    const confidential = (await byClass()).get(3);
    if (confidential === undefined) throw new Error('no CONFIDENTIAL note');
    const unreadBefore = (await d.call('channels.list')).channels[0]?.unread ?? 0;
    const body = await d.call('notes.body', { noteId: confidential.noteId });
    expect(body).toEqual({ noteId: confidential.noteId, kind: 'note', body: TEXTS[2] });
    expect((await d.call('channels.list')).channels[0]?.unread).toBe(unreadBefore - 1);
    const { entries } = await d.call('audit.page', { types: ['note_displayed'], limit: 1 });
    expect(entries[0]).toMatchObject({ outcome: 'ok', subjects: [confidential.noteId], channel: channelId, marking: 'NATO CONFIDENTIAL' });
    expect(await auditRaw()).not.toContain(TEXTS[2]?.slice(0, 20));
    // Fetched again (a virtualized list scrolling back): decided again, recorded once per session.
    const count = await auditCount();
    expect((await d.call('notes.body', { noteId: confidential.noteId })).body).toBe(TEXTS[2]);
    expect(await auditCount()).toBe(count);
  });

  it('lowering the workstation ceiling turns the SECRET note into a redaction at once, and main refuses its body', async () => {
    const secret = (await byClass()).get(4);
    if (secret === undefined) throw new Error('no SECRET note');
    expect((await d.call('notes.body', { noteId: secret.noteId })).body).toBe(TEXTS[3]);
    await d.call('settings.set', { ceiling: { policyId: NATO, classification: 3 } });
    const now = await byClass();
    expect(now.get(4)?.display).toEqual({ show: false, reasons: [expect.objectContaining({ code: 'above_workstation_ceiling', classification: 4 })] });
    expect(now.get(3)?.display).toEqual({ show: true });
    // Shown as a redaction card: recorded once, by the page, not again when the page is drawn again.
    const withheldOf = async () => (await d.call('audit.page', { types: ['note_withheld'], limit: 50 })).entries.filter((e) => e.subjects?.includes(secret.noteId) === true);
    expect(await withheldOf()).toEqual([expect.objectContaining({ outcome: 'refused', code: 'above_workstation_ceiling' })]);
    await byClass();
    expect(await withheldOf()).toHaveLength(1);
    // Called directly, as a renderer that ignored the card would: refused, and recorded.
    expect((await d.fail('notes.body', { noteId: secret.noteId })).code).toBe('note_withheld');
    const { entries } = await d.call('audit.page', { types: ['note_withheld'], limit: 1 });
    expect(entries[0]).toMatchObject({ outcome: 'refused', code: 'above_workstation_ceiling', subjects: [secret.noteId] });
    // Nor can search find it by its words.
    expect((await d.call('notes.search', { query: 'convoy route' })).notes).toEqual([]);
    expect((await d.call('channels.list')).channels[0]?.highest[0]?.classification).toBe(4);
    const ctx = await d.call('display.context');
    expect(ctx.viewer).toMatchObject({ standing: 'in_force', cap: { by: 'workstation', classification: 3 } });
    expect(ctx.policies.map((p) => p.name)).toContain('NATO');
  });

  it('travelling shows only the lowest classification', async () => {
    await d.call('settings.set', { ceiling: null, sessionMode: 'travelling' });
    const now = await byClass();
    expect(now.get(1)?.display).toEqual({ show: true });
    for (const c of [2, 3, 4]) expect(now.get(c)?.display).toMatchObject({ show: false, reasons: [{ code: 'above_session_mode' }] });
    expect((await d.fail('notes.body', { noteId: now.get(2)?.noteId })).code).toBe('note_withheld');
    await d.call('settings.set', { sessionMode: 'normal' });
    const back = await byClass();
    expect([...back.values()].every((n) => n.display.show)).toBe(true);
    const search = await d.call('notes.search', { query: 'convoy route' });
    expect(search.notes.map((n) => n.noteId)).toEqual([back.get(4)?.noteId]);
    expect(JSON.stringify(search)).not.toContain('details in the next briefing');
    expect(await auditRaw()).not.toContain('convoy');
  });

  it('refuses hostile ids and sizes, and changes nothing', async () => {
    const before = await auditCount();
    const cases: [string, unknown, string][] = [
      ['notes.page', { channelId: 'no-such-channel' }, 'channel_unknown'],
      ['notes.page', { channelId, before: { sentAt: 1, noteId: 'no-such-note' } }, 'note_missing'],
      ['notes.page', { channelId: 'x'.repeat(201) }, 'invalid_input'],
      ['notes.page', { channelId: 'a\u0000b' }, 'invalid_input'],
      ['notes.page', { channelId, limit: 0 }, 'invalid_input'],
      ['notes.page', { channelId, limit: 201 }, 'invalid_input'],
      ['notes.page', { channelId, extra: 1 }, 'invalid_input'],
      ['notes.body', { noteId: 'no-such-note' }, 'note_missing'],
      ['notes.body', { noteId: '' }, 'invalid_input'],
      ['notes.body', { noteId: 'x'.repeat(10_000) }, 'invalid_input'],
      ['notes.body', { noteId: ['a'] }, 'invalid_input'],
      ['notes.search', { query: 'x'.repeat(201) }, 'invalid_input'],
      ['notes.search', { query: 'x', channelId: 'nope' }, 'channel_unknown'],
      ['notes.search', { query: '' }, 'invalid_input'],
    ];
    for (const [name, input, code] of cases) expect((await d.fail(name, input)).code, `${name} ${JSON.stringify(input).slice(0, 60)}`).toBe(code);
    expect(await auditCount()).toBe(before);
  });

  it('a revoked credential withholds every note at once', async () => {
    const e = await desktop();
    try {
      await e.unlockDemo('jonas');
      const serial = (await e.service.core.sessions.require()).ctx.trust.ownCredential(Date.now())?.body.serial as number;
      const { list } = await revokeSerial(AgencyFolder.open(join(e.demoDir, 'agencies', 'de-demo')), passphraseBytes('demo de-demo agency'), serial);
      const shown = notesOf(await e.call('notes.page', { channelId }));
      expect(shown.every((n) => n.display.show)).toBe(true);
      const imported = await e.call('profile.import', { files: [{ name: 'de.crl.json', data: Buffer.from(encodeSigned(list)).toString('base64') }] });
      expect(imported.results[0]).toMatchObject({ ok: true, kind: 'revocation-list' });
      expect(imported.session).toMatchObject({ officer: { standing: 'credential_revoked' } });
      const hidden = notesOf(await e.call('notes.page', { channelId }));
      expect(hidden.map((n) => n.display)).toEqual(hidden.map(() => ({ show: false, reasons: [expect.objectContaining({ code: 'credential_revoked' })] })));
      expect((await e.fail('notes.body', { noteId: hidden[0]?.noteId })).code).toBe('note_withheld');
    } finally {
      await e.close();
    }
  }, 60_000);
});

describe('a conversation of 100,000 notes', () => {
  it('pages at the newest, deep in the history and at the oldest quickly', async () => {
    const s = await d.service.core.sessions.require();
    const label = (c: number) => ({ policyId: NATO, classification: c, categories: [] });
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const batch = Array.from({ length: 100_000 }, (_, i) => ({
      noteId: `bulk-${i}`,
      channelId,
      direction: 'in' as const,
      kind: 'note' as const,
      sender: { agency: 'fr-demo', officerId: 'camille', serial: 1 },
      senderSeq: 1_000_000 + i,
      sentAt: t0 + Math.floor(i / 3) * 1000,
      receivedAt: t0 + i,
      label: label(1 + (i % 4)),
      body: `bulk note ${i}`,
    }));
    s.ctx.notes.insertNotes(batch);
    const time = async (input: unknown): Promise<{ ms: number; page: Page }> => {
      const start = performance.now();
      const page = (await d.call('notes.page', input)) as Page;
      return { ms: performance.now() - start, page };
    };
    const newest = await time({ channelId, limit: 100 });
    expect(newest.page.total).toBe(100_005);
    expect(newest.page.notes).toHaveLength(100);
    const deep = await time({ channelId, limit: 100, before: { sentAt: t0 + 16_666_000, noteId: 'bulk-50000' } });
    expect(deep.page.notes[0]?.noteId).toBe('bulk-49999');
    const oldest = await time({ channelId, limit: 100, before: { sentAt: t0 + 33_000, noteId: 'bulk-99' } });
    expect(oldest.page.notes.at(-1)?.noteId).toBe('bulk-0');
    for (const t of [newest, deep, oldest]) expect(t.ms).toBeLessThan(250);
  }, 120_000);
});
