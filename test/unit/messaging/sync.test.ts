import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntenteError } from '../../../shared/errors';
import type { AuditEvent } from '../../../main/audit/sink';
import { parseEnvelope } from '../../../main/crypto/envelope';
import { signDetached } from '../../../main/crypto/sodium';
import { createChannel } from '../../../main/messaging/channels';
import type { MessagingContext } from '../../../main/messaging/context';
import { receiveEnvelope } from '../../../main/messaging/receive';
import { sendNote } from '../../../main/messaging/send';
import type { SyncEvent } from '../../../main/messaging/sync';
import { RelayClient } from '../../../main/transport/relay-client';
import { encodeSigned } from '../../../main/trust/signed';
import { FRA, GBR, REL_NATO, buildAlliance, sealAs, storeSnapshot, type Alliance, type Member } from '../../helpers/alliance';
import { FAST, notesOf, once, relayFor, session, waitFor, type AllianceRelay } from './sync-setup';

/**
 * The sync engine against a real relay on 127.0.0.1, with real profiles: two agencies, three officers
 * (jdupont of fr-dgsi and jsmith of uk-demo cleared to NATO SECRET, alee of uk-demo to NATO RESTRICTED),
 * an agreement with a NATO CONFIDENTIAL ceiling.
 */
let a: Alliance;
let r: AllianceRelay;
const JSMITH = { agency: 'uk-demo', officerId: 'jsmith' };
const ALEE = { agency: 'uk-demo', officerId: 'alee' };

beforeAll(async () => {
  a = await buildAlliance(
    [
      { agency: 'fr-dgsi', officerId: 'jdupont', classifications: [1, 2, 3, 4] },
      { agency: 'uk-demo', officerId: 'jsmith', classifications: [1, 2, 3, 4] },
      { agency: 'uk-demo', officerId: 'alee', classifications: [1, 2] },
    ],
    [{ between: ['fr-dgsi', 'uk-demo'], ceiling: 3, categories: [FRA, GBR, REL_NATO] }],
  );
  r = await relayFor(a);
  // Everyone logs in once: the relay lists their credentials and prekeys.
  for (const id of ['jdupont', 'jsmith', 'alee']) await once(a.p(id).ctx, r.url);
}, 60_000);
afterAll(async () => {
  await r?.stop();
  a?.close();
});

/** A well-formed note from `sender` to jsmith, sealed outside the send pipeline (seq far from the real ones). */
function sealEnvelopeFor(sender: Member, channel: string) {
  const bytes = sealAs(sender, { channel, to: [a.get('jsmith')], label: a.label('NATO RESTRICTED'), plaintext: new TextEncoder().encode('{"text":"x","type":"note","v":1}'), seq: 900_000, time: a.clock.t });
  return { bytes, header: parseEnvelope(bytes).header };
}

const fr = () => a.p('jdupont').ctx;
const uk = () => a.p('jsmith').ctx;
const al = () => a.p('alee').ctx;
const note = (ctx: MessagingContext, channelId: string, text: string, marking = 'NATO RESTRICTED') => sendNote(ctx, { channelId, label: a.label(marking), text }).note.noteId;

describe('the sync session', () => {
  it('publishes, flushes the outbox, delivers once, and receipts reach "delivered"', async () => {
    const ch = createChannel(fr(), { name: 'Sync basic', members: [JSMITH] });
    const ids = [1, 2, 3].map((i) => note(fr(), ch.channelId, `basic ${i}`));
    const sent = await once(fr(), r.url);
    expect(sent.published).toMatchObject({ credential: 'unchanged', prekey: { outcome: 'unchanged' } });
    expect(new Set(sent.sent.stored)).toEqual(new Set([ch.note.noteId, ...ids]));
    for (const id of ids) expect(fr().notes.receipts(id)).toEqual([expect.objectContaining({ ...JSMITH, state: 'stored' })]);

    const got = await once(uk(), r.url);
    expect(got.received).toEqual({ stored: 4, rejected: [] });
    expect(notesOf(uk()).filter((n) => n.body.startsWith('basic')).map((n) => n.body)).toEqual(['basic 1', 'basic 2', 'basic 3']);

    const back = await once(fr(), r.url);
    expect(back.receipts.delivered).toBe(4);
    for (const id of ids) expect(fr().notes.receipts(id)).toEqual([expect.objectContaining({ ...JSMITH, state: 'delivered' })]);
    expect(fr().notes.outbox()).toEqual([]);
    expect(r.relay.health()).toMatchObject({ envelopes: 0, mailbox: 0, receipts: 0 });

    // Syncing again changes nothing: each note is held once.
    const again = await once(uk(), r.url);
    expect(again.received).toEqual({ stored: 0, rejected: [] });
    expect(notesOf(uk()).filter((n) => n.body.startsWith('basic'))).toHaveLength(3);
  });

  it('flushes the outbox oldest first: the recipient stores the notes in the order they were written', async () => {
    const ch = createChannel(fr(), { name: 'Sync order', members: [JSMITH] });
    const texts = Array.from({ length: 12 }, (_, i) => `order ${String(i).padStart(2, '0')}`);
    const ids = texts.map((t) => note(fr(), ch.channelId, t));
    await once(fr(), r.url);
    await once(uk(), r.url);
    expect(notesOf(uk()).filter((n) => n.body.startsWith('order')).map((n) => n.noteId)).toEqual(ids);
  });

  it('with three officers, each stores exactly what clearance and agreement allow', async () => {
    const ch = createChannel(fr(), { name: 'Sync three', members: [JSMITH, ALEE] });
    const restricted = note(fr(), ch.channelId, 'three R');
    const confidential = note(fr(), ch.channelId, 'three C', 'NATO CONFIDENTIAL');
    expect(() => note(fr(), ch.channelId, 'three S', 'NATO SECRET')).toThrow(expect.objectContaining({ code: 'no_eligible_recipient' }) as Error);
    await once(fr(), r.url);
    await once(uk(), r.url);
    await once(al(), r.url);
    const reply = note(uk(), ch.channelId, 'three reply');
    await once(uk(), r.url);
    await Promise.all([once(fr(), r.url), once(al(), r.url)]);
    const mine = (ctx: MessagingContext) => notesOf(ctx).filter((n) => n.body.startsWith('three')).map((n) => n.noteId);
    expect(mine(fr())).toEqual([restricted, confidential, reply]);
    expect(mine(uk())).toEqual([restricted, confidential, reply]);
    expect(mine(al())).toEqual([restricted, reply]);
  });

  it('a handler that fails before storing is not acknowledged: the next sync stores the note once', async () => {
    const ch = createChannel(fr(), { name: 'Sync crash', members: [JSMITH] });
    const id = note(fr(), ch.channelId, 'crash before store');
    await once(fr(), r.url);
    const base = uk();
    const failing: MessagingContext = {
      ...base,
      audit: {
        record: (e: AuditEvent) => {
          if (e.type === 'channel_created' || e.type === 'note_received') throw new EntenteError('audit_write_failed', 'the disk is full');
          base.audit.record(e);
        },
      },
    };
    await expect(once(failing, r.url)).rejects.toMatchObject({ code: 'audit_write_failed' });
    expect(base.notes.channel(ch.channelId)).toBeUndefined();
    expect(r.relay.health().mailbox).toBe(2);
    const got = await once(base, r.url);
    expect(got.received).toEqual({ stored: 2, rejected: [] });
    expect(notesOf(base).filter((n) => n.noteId === id)).toHaveLength(1);
    expect(r.relay.health().mailbox).toBe(0);
  });

  it('a handler that crashes after storing: the redelivery is refused as a replay, acknowledged, and the note held once', async () => {
    const ch = createChannel(fr(), { name: 'Sync crash 2', members: [JSMITH] });
    const id = note(fr(), ch.channelId, 'crash after store');
    await once(fr(), r.url);
    const base = uk();
    const own = base.trust.ownCredential(a.clock.t);
    if (own === undefined) throw new Error('no credential');
    const raw = new RelayClient({ url: r.url, credential: encodeSigned(own), sign: (m) => signDetached(m, base.identity.signSecret), ...FAST.clientOptions });
    let handled = 0;
    raw.onDeliver((d) => {
      receiveEnvelope(base, d.envelope);
      handled += 1;
      throw new Error('crash before the acknowledgement');
    });
    await raw.connect();
    await waitFor(() => handled === 2);
    await raw.close();
    expect(notesOf(base).filter((n) => n.noteId === id)).toHaveLength(1);
    expect(r.relay.health().mailbox).toBe(2);

    const got = await once(base, r.url);
    expect(got.received.stored).toBe(0);
    expect(got.received.rejected.map((x) => x.code)).toEqual(['note_replayed', 'note_replayed']);
    expect(notesOf(base).filter((n) => n.noteId === id)).toHaveLength(1);
    expect(r.relay.health().mailbox).toBe(0);
  });

  it('a tampered envelope through the relay is refused for good, acknowledged, and stores nothing', async () => {
    const ch = createChannel(fr(), { name: 'Sync tampered', members: [JSMITH] });
    await once(fr(), r.url);
    await once(uk(), r.url);
    const sender = a.get('jdupont');
    const { bytes, header } = sealEnvelopeFor(sender, ch.channelId);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
    const raw = new RelayClient({ url: r.url, credential: encodeSigned(sender.credential), sign: (m) => signDetached(m, sender.signSecret), ...FAST.clientOptions });
    try {
      await raw.connect();
      await raw.send({ noteId: header.id, to: [JSMITH], envelope: bytes });
    } finally {
      await raw.close();
    }
    const before = storeSnapshot(a.p('jsmith').profile);
    const got = await once(uk(), r.url);
    expect(got.received).toEqual({ stored: 0, rejected: [{ noteId: header.id, code: 'envelope_signature_invalid' }] });
    expect(storeSnapshot(a.p('jsmith').profile)).toBe(before);
    expect(r.relay.health().mailbox).toBe(0);
  });

  it('a note from a sender not held here: sender_unknown → one directory read for that sender → stored', async () => {
    const base = uk();
    const ch = createChannel(fr(), { name: 'Sync unknown sender', members: [JSMITH] });
    const id = note(fr(), ch.channelId, 'from a stranger');
    await once(fr(), r.url);
    base.profile.db.connection.prepare("DELETE FROM credentials WHERE agency_id = 'fr-dgsi' AND officer_id = 'jdupont'").run();
    const audit = a.p('jsmith').audit;
    const before = audit.events.length;
    // A session that takes deliveries without reading the whole directory first (as a long-running
    // one does when a new officer writes after its last read).
    const s = session(base, r.url);
    try {
      await s.connect();
      s.receive();
      await s.drained(10_000);
    } finally {
      await s.close();
    }
    const got = s.report();
    expect(got.received).toEqual({ stored: 2, rejected: [] });
    expect(got.directory.credentials.imported).toBe(1);
    expect(base.trust.credentials({ agency: 'fr-dgsi', officerId: 'jdupont' })).toHaveLength(1);
    expect(notesOf(base).filter((n) => n.noteId === id)).toHaveLength(1);
    const events = audit.events.slice(before);
    expect(events.filter((e) => e.type === 'note_rejected').map((e) => e.code)).toEqual(['sender_unknown']);
    expect(events.filter((e) => e.type === 'credential_imported')).toHaveLength(1);
  });

  it('a relay restart in the middle: nothing lost, nothing duplicated, every receipt delivered', async () => {
    const ch = createChannel(fr(), { name: 'Sync restart', members: [JSMITH] });
    const sender = session(fr(), r.url);
    const receiver = session(uk(), r.url);
    const received: string[] = [];
    receiver.on((e: SyncEvent) => void (e.type === 'received' && received.push(e.noteId)));
    try {
      sender.start();
      receiver.start();
      await waitFor(() => fr().notes.receipts(ch.note.noteId).every((x) => x.state !== 'queued'));
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        ids.push(note(fr(), ch.channelId, `restart ${i}`));
        void sender.flush().catch(() => {});
        if (i === 12) await r.restart();
      }
      await waitFor(() => ids.every((id) => fr().notes.receipts(id).every((x) => x.state === 'delivered')), 20_000);
      expect(received.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
      expect(notesOf(uk()).filter((n) => n.body.startsWith('restart '))).toHaveLength(30);
      expect(fr().notes.outbox()).toEqual([]);
      await waitFor(() => r.relay.health().mailbox === 0 && r.relay.health().receipts === 0);
    } finally {
      await sender.close();
      await receiver.close();
    }
  }, 40_000);
});

describe('the sync session when the relay refuses a send', () => {
  let small: AllianceRelay;
  beforeAll(async () => {
    small = await relayFor(a, { limits: { mailboxMaxEnvelopes: 2 } });
  });
  afterAll(() => small?.stop());

  it('keeps it queued with an attempt counted, does not resend before the backoff, and sends it after', async () => {
    await once(al(), small.url);
    const ch = createChannel(fr(), { name: 'Sync full', members: [ALEE] });
    const first = note(fr(), ch.channelId, 'full 1');
    const second = note(fr(), ch.channelId, 'full 2');
    const logged: string[] = [];
    const r1 = await once(fr(), small.url, { log: (event, fields) => void logged.push(`${event}:${String(fields?.code)}`) });
    expect(r1.sent.stored).toEqual([ch.note.noteId, first]);
    expect(r1.sent.refused).toEqual([{ noteId: second, code: 'relay_mailbox_full' }]);
    expect(logged).toContain('send_refused:relay_mailbox_full');
    const entry = () => fr().notes.outbox().find((e) => e.noteId === second);
    expect(entry()).toMatchObject({ state: 'queued', attempts: 1 });
    expect(entry()?.nextAttemptAt).toBeGreaterThan(a.clock.t);

    await once(al(), small.url);
    const r2 = await once(fr(), small.url);
    expect(r2.sent.stored).toEqual([]);
    expect(r2.sent.queued).toContain(second);
    expect(entry()?.attempts).toBe(1);

    a.clock.t += 3_600_001;
    const r3 = await once(fr(), small.url);
    expect(r3.sent.stored).toEqual([second]);
    await once(al(), small.url);
    expect(notesOf(al()).filter((n) => n.body.startsWith('full')).map((n) => n.noteId)).toEqual([first, second]);
  });
});

describe('a long-running session', () => {
  it('rotates its prekey when due and publishes the new one at once; others read it from the directory', async () => {
    const s = session(uk(), r.url, { maintenanceMs: 50 });
    const published: number[] = [];
    s.on((e) => void (e.type === 'published' && e.report.rotated !== null && e.report.prekey !== null && published.push(e.report.prekey.id)));
    try {
      s.start();
      await waitFor(() => s.client.state === 'ready' && s.report().published !== null);
      const before = Math.max(...fr().notes.peerPrekeys(JSMITH).map((p) => p.prekeyId));
      a.clock.t += 8 * 86_400_000;
      await waitFor(() => published.length > 0);
      expect(published[0]).toBeGreaterThan(before);
      const pulled = await once(fr(), r.url);
      expect(pulled.directory.prekeys.imported).toBeGreaterThanOrEqual(1);
      expect(fr().notes.peerPrekeys(JSMITH).map((p) => p.prekeyId)).toContain(published[0]);
    } finally {
      await s.close();
    }
  });
});
