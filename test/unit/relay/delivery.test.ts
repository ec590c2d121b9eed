import { describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from '../../../main/trust/base64url';
import { DAY, countRows, inspect, login, makeEnvelope, newNoteId, ref, relayCast, relayForEachTest, sendFrame } from './relay-fixtures';

const { fr, uk, alice, bob, carol } = await relayCast();
const t = relayForEachTest([fr, uk]);

describe('store and forward', () => {
  it('stores, delivers to a connected recipient, deletes on ack and sends the sender a receipt', async () => {
    const a = await login(t.relay, alice);
    const b = await login(t.relay, bob);
    const id = newNoteId();
    const envelope = makeEnvelope(id, alice, [bob]);
    a.send(sendFrame(id, alice, [bob], envelope));
    expect(await a.next('stored')).toEqual({ type: 'stored', id, duplicate: false });
    // 'stored' is sent after the commit: the rows are in the file for any other reader.
    expect(countRows(t.dataDir, 'envelopes')).toBe(1);
    expect(inspect(t.dataDir, 'SELECT recipient FROM mailbox')).toEqual([{ recipient: 'uk-demo/bob' }]);

    const delivered = await b.next('deliver');
    expect(delivered).toMatchObject({ id, from: { agency: 'fr-dgsi', officerId: 'alice' }, storedAt: new Date(t.clock.now).toISOString() });
    expect(fromBase64url(delivered.envelope)).toEqual(envelope);

    b.send({ type: 'ack', ids: [id] });
    expect(await a.next('receipt')).toMatchObject({ id, to: { agency: 'uk-demo', officerId: 'bob' }, state: 'delivered' });
    expect(countRows(t.dataDir, 'mailbox')).toBe(0);
    expect(countRows(t.dataDir, 'envelopes')).toBe(0);
    expect(countRows(t.dataDir, 'receipts')).toBe(1);
    a.send({ type: 'receipt_ack', receipts: [{ id, to: ref(bob) }] });
    await expect.poll(() => countRows(t.dataDir, 'receipts')).toBe(0);
    a.close();
    b.close();
  });

  it('keeps the envelope until every recipient has acknowledged it', async () => {
    const a = await login(t.relay, alice);
    const id = newNoteId();
    a.send(sendFrame(id, alice, [bob, carol]));
    await a.next('stored');
    const b = await login(t.relay, bob);
    await b.next('deliver', (f) => f.id === id);
    b.send({ type: 'ack', ids: [id] });
    await a.next('receipt', (f) => f.to.officerId === 'bob');
    expect(countRows(t.dataDir, 'envelopes')).toBe(1);
    const c = await login(t.relay, carol);
    await c.next('deliver', (f) => f.id === id);
    c.send({ type: 'ack', ids: [id] });
    await a.next('receipt', (f) => f.to.officerId === 'carol');
    expect(countRows(t.dataDir, 'envelopes')).toBe(0);
    for (const p of [a, b, c]) p.close();
  });

  it('gives an offline recipient its mailbox on connect, in stored order', async () => {
    const a = await login(t.relay, alice);
    const ids = [newNoteId(), newNoteId(), newNoteId()];
    for (const id of ids) a.send(sendFrame(id, alice, [bob]));
    for (const id of ids) await a.next('stored', (f) => f.id === id);
    const b = await login(t.relay, bob);
    const got = [await b.next('deliver'), await b.next('deliver'), await b.next('deliver')].map((f) => f.id);
    expect(got).toEqual(ids);
    // Not acknowledged: delivered again on the next connection.
    b.close();
    await b.closed;
    const again = await login(t.relay, bob);
    expect((await again.next('deliver')).id).toBe(ids[0]);
    a.close();
    again.close();
  });

  it('delivers receipts kept for an offline sender when it comes back', async () => {
    const a = await login(t.relay, alice);
    const id = newNoteId();
    a.send(sendFrame(id, alice, [bob]));
    await a.next('stored');
    a.close();
    await a.closed;
    const b = await login(t.relay, bob);
    await b.next('deliver');
    b.send({ type: 'ack', ids: [id] });
    await expect.poll(() => countRows(t.dataDir, 'receipts')).toBe(1);
    const back = await login(t.relay, alice);
    expect(await back.next('receipt')).toMatchObject({ id, state: 'delivered' });
    back.close();
    b.close();
  });

  it('stores a re-sent note once and answers stored again, even after delivery', async () => {
    const a = await login(t.relay, alice);
    const id = newNoteId();
    const frame = sendFrame(id, alice, [bob]);
    a.send(frame);
    a.send(frame);
    expect(await a.next('stored')).toMatchObject({ id, duplicate: false });
    expect(await a.next('stored')).toMatchObject({ id, duplicate: true });
    expect(countRows(t.dataDir, 'mailbox')).toBe(1);
    const b = await login(t.relay, bob);
    await b.next('deliver');
    b.send({ type: 'ack', ids: [id] });
    await a.next('receipt');
    a.send(frame);
    expect(await a.next('stored')).toMatchObject({ id, duplicate: true });
    expect(countRows(t.dataDir, 'mailbox')).toBe(0);
    expect(b.all('deliver')).toHaveLength(1);
    a.close();
    b.close();
  });

  it('refuses a note id already used by another sender, or by the same sender with other bytes', async () => {
    const a = await login(t.relay, alice);
    const c = await login(t.relay, carol);
    const id = newNoteId();
    a.send(sendFrame(id, alice, [bob]));
    await a.next('stored');
    c.send(sendFrame(id, carol, [bob]));
    expect(await c.next('error')).toMatchObject({ code: 'relay_frame_invalid', id });
    a.send(sendFrame(id, alice, [bob]));
    expect(await a.next('error')).toMatchObject({ code: 'relay_frame_invalid', id });
    expect(countRows(t.dataDir, 'mailbox')).toBe(1);
    a.close();
    c.close();
  });

  it('refuses an envelope not bound to its send frame: other sender, other id, other recipients', async () => {
    const a = await login(t.relay, alice);
    const id = newNoteId();
    const cases = [
      makeEnvelope(id, carol, [bob]), // sender is not the logged-in officer
      makeEnvelope(id, { ...alice, serial: 99 }, [bob]), // another credential of the same officer
      makeEnvelope(newNoteId(), alice, [bob]), // another note id
      makeEnvelope(id, alice, [bob, carol]), // header names more recipients than the frame routes to
      makeEnvelope(id, alice, [carol]), // or others
      new Uint8Array(400), // not an envelope at all
    ];
    for (const envelope of cases) {
      a.send({ type: 'send', id, to: [ref(bob)], envelope: toBase64url(envelope) });
      expect(await a.next('error')).toMatchObject({ code: 'relay_frame_invalid', id });
    }
    a.send({ type: 'send', id, to: [{ agency: 'xx-rogue', officerId: 'eve' }], envelope: toBase64url(makeEnvelope(id, alice, [{ agency: 'xx-rogue', officerId: 'eve' }])) });
    expect(await a.next('error')).toMatchObject({ code: 'relay_frame_invalid', id });
    expect(countRows(t.dataDir, 'envelopes')).toBe(0);
    expect(countRows(t.dataDir, 'note_ids')).toBe(0);
    a.close();
  });

  it('keeps at most deliveryWindow deliveries unacknowledged in flight', async () => {
    await t.restart({ limits: { deliveryWindow: 4 } });
    const a = await login(t.relay, alice);
    const ids = Array.from({ length: 6 }, () => newNoteId());
    for (const id of ids) a.send(sendFrame(id, alice, [bob]));
    for (const id of ids) await a.next('stored', (f) => f.id === id);
    const b = await login(t.relay, bob);
    for (const id of ids.slice(0, 4)) expect((await b.next('deliver')).id).toBe(id);
    await new Promise((r) => setTimeout(r, 100));
    expect(b.all('deliver')).toHaveLength(4);
    b.send({ type: 'ack', ids: ids.slice(0, 2) });
    expect((await b.next('deliver')).id).toBe(ids[4]);
    expect((await b.next('deliver')).id).toBe(ids[5]);
    a.close();
    b.close();
  });

  it('keeps undelivered envelopes across a restart', async () => {
    const a = await login(t.relay, alice);
    const id = newNoteId();
    const envelope = makeEnvelope(id, alice, [bob]);
    a.send(sendFrame(id, alice, [bob], envelope));
    await a.next('stored');
    await t.restart();
    expect((await a.closed).code).toBe(1001);
    const b = await login(t.relay, bob);
    const delivered = await b.next('deliver');
    expect(fromBase64url(delivered.envelope)).toEqual(envelope);
    b.close();
  });

  it('expires undelivered envelopes after the retention period and tells the sender', async () => {
    await t.restart({ retentionMs: 2 * DAY });
    const a = await login(t.relay, alice);
    const old = newNoteId();
    a.send(sendFrame(old, alice, [bob]));
    await a.next('stored');
    t.clock.now += DAY;
    const recent = newNoteId();
    a.send(sendFrame(recent, alice, [bob]));
    await a.next('stored');
    t.clock.now += DAY + 1000;
    const report = await t.relay.sweep();
    expect(report).toMatchObject({ expiredMailbox: 1, expiredEnvelopes: 1 });
    expect(await a.next('receipt')).toMatchObject({ id: old, to: ref(bob), state: 'expired' });
    expect(inspect(t.dataDir, 'SELECT id FROM envelopes')).toEqual([{ id: recent }]);
    const b = await login(t.relay, bob);
    expect((await b.next('deliver')).id).toBe(recent);
    a.close();
    b.close();
  });

  it('runs the sweep at start too', async () => {
    const a = await login(t.relay, alice);
    a.send(sendFrame(newNoteId(), alice, [bob]));
    await a.next('stored');
    t.clock.now += 31 * DAY;
    await t.restart();
    expect(countRows(t.dataDir, 'envelopes')).toBe(0);
    expect(countRows(t.dataDir, 'receipts')).toBe(1);
  });
});
