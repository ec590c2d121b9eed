import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '../../../main/messaging/channels';
import { createMessagingContext } from '../../../main/messaging/context';
import { previewRecipients } from '../../../main/messaging/recipients';
import { receiveEnvelope } from '../../../main/messaging/receive';
import { sendNote } from '../../../main/messaging/send';
import { FRA, GBR, REL_NATO, buildAlliance, storeSnapshot, type Alliance } from '../../helpers/alliance';

/** Two profiles of two agencies exchange notes through the real pipelines, in process, without a relay. */
describe('two profiles exchange labelled notes', () => {
  let a: Alliance;
  let channelId: string;

  beforeAll(async () => {
    a = await buildAlliance(
      [
        { agency: 'fr-dgsi', officerId: 'amartin', classifications: [1, 2, 3, 4] },
        { agency: 'uk-demo', officerId: 'bsmith', classifications: [1, 2, 3, 4] },
      ],
      [{ between: ['fr-dgsi', 'uk-demo'], ceiling: 4, categories: [FRA, GBR, REL_NATO] }],
    );
    const fr = a.p('amartin');
    const created = createChannel(fr.ctx, { name: 'Liaison Paris–London', members: [{ agency: 'uk-demo', officerId: 'bsmith' }] });
    channelId = created.channelId;
    const got = receiveEnvelope(a.p('bsmith').ctx, created.envelope);
    expect(got.status).toBe('stored');
  });
  afterAll(() => a.close());

  it('creates the channel on both sides from the signed control note, the creator as administrator', () => {
    for (const id of ['amartin', 'bsmith']) {
      const channel = a.p(id).ctx.notes.channel(channelId);
      expect(channel?.name).toBe('Liaison Paris–London');
      expect(channel?.admin).toEqual({ agency: 'fr-dgsi', officerId: 'amartin' });
      expect(channel?.members).toEqual([
        { agency: 'fr-dgsi', officerId: 'amartin' },
        { agency: 'uk-demo', officerId: 'bsmith' },
      ]);
    }
    expect(a.p('bsmith').audit.events.map((e) => e.type)).toEqual(expect.arrayContaining(['channel_created', 'note_received']));
  });

  it('sends each way once, with the right label and text, and stores each note once', () => {
    const fr = a.p('amartin');
    const uk = a.p('bsmith');
    const label1 = a.label('NATO SECRET REL TO FRA, GBR');
    const out = sendNote(fr.ctx, { channelId, label: label1, text: 'Rendez-vous à 10 h, porte B.' });
    expect(out.eligible).toEqual([{ agency: 'uk-demo', officerId: 'bsmith' }]);
    expect(out.withheld).toEqual([]);
    const got = receiveEnvelope(uk.ctx, out.envelope);
    if (got.status !== 'stored') throw new Error(`rejected: ${got.code} ${got.message}`);
    expect(got.note).toMatchObject({ noteId: out.note.noteId, channelId, direction: 'in', kind: 'note', body: 'Rendez-vous à 10 h, porte B.', label: label1, read: false });
    expect(got.note.sender).toEqual({ agency: 'fr-dgsi', officerId: 'amartin', serial: fr.credential.body.serial });
    expect(out.note).toMatchObject({ direction: 'out', body: 'Rendez-vous à 10 h, porte B.', read: true, senderSeq: got.note.senderSeq });

    const label2 = a.label('NATO CONFIDENTIAL REL TO FRA, GBR');
    const back = sendNote(uk.ctx, { channelId, label: label2, text: 'Confirmed. Bring the file.' });
    const got2 = receiveEnvelope(fr.ctx, back.envelope);
    if (got2.status !== 'stored') throw new Error(`rejected: ${got2.code} ${got2.message}`);
    expect(got2.note).toMatchObject({ body: 'Confirmed. Bring the file.', label: label2, direction: 'in' });
    expect(got2.note.sender.agency).toBe('uk-demo');

    // Once: a second delivery of the same envelope is refused and stores nothing.
    const before = storeSnapshot(fr.profile);
    expect(receiveEnvelope(fr.ctx, back.envelope)).toMatchObject({ status: 'rejected', code: 'note_replayed' });
    expect(storeSnapshot(fr.profile)).toBe(before);
    expect(fr.ctx.notes.count(channelId)).toBe(uk.ctx.notes.count(channelId));
  });

  it('queues the envelope in the outbox with a queued receipt per recipient, in the same step as the own copy', () => {
    const fr = a.p('amartin');
    const out = sendNote(fr.ctx, { channelId, label: a.label('NATO RESTRICTED REL TO FRA, GBR'), text: 'outbox check' });
    const entry = fr.ctx.notes.outbox().find((e) => e.noteId === out.note.noteId);
    expect(entry?.recipients).toEqual([{ agency: 'uk-demo', officerId: 'bsmith' }]);
    expect(Buffer.from(entry?.envelope ?? []).equals(Buffer.from(out.envelope))).toBe(true);
    expect(fr.ctx.notes.receipts(out.note.noteId)).toEqual([expect.objectContaining({ agency: 'uk-demo', officerId: 'bsmith', state: 'queued' })]);
    expect(fr.ctx.notes.note(out.note.noteId)?.body).toBe('outbox check');
  });

  it('allocates increasing per-sender sequences', () => {
    const fr = a.p('amartin');
    const label = a.label('NATO UNCLASSIFIED');
    const s1 = sendNote(fr.ctx, { channelId, label, text: 'one' }).note.senderSeq;
    const s2 = sendNote(fr.ctx, { channelId, label, text: 'two' }).note.senderSeq;
    expect(s2).toBe(s1 + 1);
  });

  it('reports sealing and receiving to the audit sink, with recipients and reasons but never the text', () => {
    const fr = a.p('amartin');
    const uk = a.p('bsmith');
    fr.audit.events.splice(0);
    uk.audit.events.splice(0);
    const label = a.label('NATO SECRET REL TO FRA, GBR');
    const out = sendNote(fr.ctx, { channelId, label, text: 'secret words nobody logs' });
    receiveEnvelope(uk.ctx, out.envelope);
    const sealed = fr.audit.events.find((e) => e.type === 'note_sealed');
    expect(sealed).toMatchObject({ outcome: 'ok', subjects: [out.note.noteId], channel: channelId, label, details: expect.objectContaining({ eligible: ['uk-demo/bsmith'], withheld: [] }) });
    expect(uk.audit.events.find((e) => e.type === 'note_received')).toMatchObject({ outcome: 'ok', actor: 'fr-dgsi/amartin', subjects: [out.note.noteId] });
    expect(JSON.stringify([...fr.audit.events, ...uk.audit.events])).not.toContain('secret words');
  });

  it('previews the recipients before sending, and refuses a note nobody may receive', () => {
    const fr = a.p('amartin');
    expect(previewRecipients(fr.ctx, channelId, a.label('NATO SECRET REL TO FRA, GBR'))).toEqual({ eligible: [{ agency: 'uk-demo', officerId: 'bsmith' }], withheld: [] });
    const franceOnly = a.label('NATO SECRET REL TO FRA');
    const preview = previewRecipients(fr.ctx, channelId, franceOnly);
    expect(preview.eligible).toEqual([]);
    expect(preview.withheld.map((w) => [w.officer.officerId, w.reasons.map((r) => r.code)])).toEqual([['bsmith', ['permissive_category_not_matched']]]);
    const before = storeSnapshot(fr.profile);
    fr.audit.events.splice(0);
    expect(() => sendNote(fr.ctx, { channelId, label: franceOnly, text: 'for French eyes' })).toThrow(expect.objectContaining({ code: 'no_eligible_recipient' }));
    expect(storeSnapshot(fr.profile)).toBe(before);
    expect(fr.audit.events).toEqual([expect.objectContaining({ type: 'note_sealed', outcome: 'refused', code: 'no_eligible_recipient', details: expect.objectContaining({ withheld: ['uk-demo/bsmith'], reasons: ['uk-demo/bsmith:permissive_category_not_matched'] }) })]);
  });

  it("refuses the sender's own problems before anything is stored", () => {
    const fr = a.p('amartin');
    const before = storeSnapshot(fr.profile);
    const cases: [string, () => unknown][] = [
      ['sender_not_cleared', () => sendNote(fr.ctx, { channelId, label: a.label('COSMIC TOP SECRET REL TO FRA, GBR'), text: 'x' })],
      ['label_invalid', () => sendNote(fr.ctx, { channelId, label: { policyId: '1.3.26.1.3.1', classification: 2, categories: [{ tagSetId: '1.3.26.1.4.1', tagType: 'restrictive', lacv: 1 }] }, text: 'x' })],
      ['label_unknown_policy', () => sendNote(fr.ctx, { channelId, label: { policyId: '2.999.1', classification: 1, categories: [] }, text: 'x' })],
      ['label_malformed', () => sendNote(fr.ctx, { channelId, label: { policyId: 'nope', classification: 1, categories: [] }, text: 'x' })],
      ['note_too_long', () => sendNote(fr.ctx, { channelId, label: a.label('NATO UNCLASSIFIED'), text: 'x'.repeat(16_001) })],
      ['invalid_input', () => sendNote(fr.ctx, { channelId, label: a.label('NATO UNCLASSIFIED'), text: '' })],
      ['channel_unknown', () => sendNote(fr.ctx, { channelId: 'AAAAAAAAAAAAAAAAAAAAAA', label: a.label('NATO UNCLASSIFIED'), text: 'x' })],
    ];
    for (const [code, fn] of cases) expect(fn, code).toThrow(expect.objectContaining({ code }));
    expect(storeSnapshot(fr.profile)).toBe(before);
  });

  it("reports to the profile's own audit log when no sink is given", () => {
    const fr = a.p('amartin');
    const ctx = createMessagingContext(fr.profile, { now: () => a.clock.t });
    const before = fr.profile.auditLog.head().seq;
    sendNote(ctx, { channelId, label: a.label('NATO UNCLASSIFIED'), text: 'into the real log' });
    expect(fr.profile.auditLog.head().seq).toBe(before + 1);
  });

  it('lets program errors through: a locked profile throws instead of rejecting', () => {
    const fr = a.p('amartin');
    const uk = a.p('bsmith');
    const out = sendNote(fr.ctx, { channelId, label: a.label('NATO UNCLASSIFIED'), text: 'to a locked profile' });
    uk.profile.lock();
    expect(() => receiveEnvelope(uk.ctx, out.envelope)).toThrow(expect.objectContaining({ code: 'profile_locked' }));
    expect(() => sendNote(uk.ctx, { channelId, label: a.label('NATO UNCLASSIFIED'), text: 'x' })).toThrow(expect.objectContaining({ code: 'profile_locked' }));
    expect(uk.audit.events.some((e) => e.type === 'note_rejected' && e.code === 'profile_locked')).toBe(false);
  });

  it('reports only events the audit log accepts', () => {
    expect(a.checkAudit()).toBeGreaterThan(0);
  });
});
