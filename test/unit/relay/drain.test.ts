import { describe, expect, it } from 'vitest';
import { signDetached } from '../../../main/crypto/sodium';
import { RelayClient } from '../../../main/transport/relay-client';
import { challenged, login, newNoteId, relayCast, relayForEachTest, sendFrame } from './relay-fixtures';

/** The `drain` request (docs/RELAY.md §5): answered only when nothing is waiting or unacknowledged for the officer. */
const { fr, uk, alice, bob } = await relayCast();
const t = relayForEachTest([fr, uk]);

const settle = () => new Promise((r) => setTimeout(r, 100));

describe('drain', () => {
  it('is answered at once when the mailbox and receipts are empty', async () => {
    const b = await login(t.relay, bob);
    b.send({ type: 'drain', rid: 7 });
    expect(await b.next('drained')).toEqual({ type: 'drained', rid: 7 });
    b.close();
  });

  it('waits until every delivery is acknowledged, including envelopes beyond the delivery window', async () => {
    const a = await login(t.relay, alice);
    const ids = Array.from({ length: 3 }, () => newNoteId());
    for (const id of ids) a.send(sendFrame(id, alice, [bob]));
    for (const id of ids) await a.next('stored', (f) => f.id === id);
    await t.restart({ limits: { deliveryWindow: 2 } });

    const b = await login(t.relay, bob);
    b.send({ type: 'drain', rid: 1 });
    await b.next('deliver');
    await b.next('deliver');
    await settle();
    expect(b.all('drained')).toEqual([]);
    b.send({ type: 'ack', ids: ids.slice(0, 2) });
    await b.next('deliver', (f) => f.id === ids[2]);
    await settle();
    expect(b.all('drained')).toEqual([]);
    b.send({ type: 'ack', ids: [ids[2]] });
    expect(await b.next('drained')).toEqual({ type: 'drained', rid: 1 });
    b.close();
  });

  it('waits for the receipts of the officer too', async () => {
    const a = await login(t.relay, alice);
    const b = await login(t.relay, bob);
    const id = newNoteId();
    a.send(sendFrame(id, alice, [bob]));
    await b.next('deliver');
    b.send({ type: 'ack', ids: [id] });
    await a.next('receipt');
    a.send({ type: 'drain', rid: 2 });
    await settle();
    expect(a.all('drained')).toEqual([]);
    a.send({ type: 'receipt_ack', receipts: [{ id, to: { agency: 'uk-demo', officerId: 'bob' } }] });
    expect(await a.next('drained')).toEqual({ type: 'drained', rid: 2 });
    a.close();
    b.close();
  });

  it('is refused before login and when malformed', async () => {
    const { peer: p } = await challenged(t.relay);
    p.send({ type: 'drain', rid: 1 });
    expect(await p.next('error')).toMatchObject({ code: 'relay_auth_failed', reason: 'not_authenticated' });
    const b = await login(t.relay, bob);
    b.send({ type: 'drain', rid: 0 });
    expect(await b.next('error')).toMatchObject({ code: 'relay_frame_invalid' });
    b.send({ type: 'drain', rid: 3, extra: true });
    expect(await b.next('error')).toMatchObject({ code: 'relay_frame_invalid', rid: 3 });
    expect(b.all('drained')).toEqual([]);
    b.close();
  });

  it('at most 16 drain requests wait at once; more are refused', async () => {
    const a = await login(t.relay, alice);
    const b = await login(t.relay, bob);
    const id = newNoteId();
    a.send(sendFrame(id, alice, [bob]));
    await b.next('deliver');
    for (let rid = 1; rid <= 17; rid++) b.send({ type: 'drain', rid });
    expect(await b.next('error')).toMatchObject({ code: 'relay_frame_invalid', rid: 17 });
    b.send({ type: 'ack', ids: [id] });
    await b.next('drained', (f) => f.rid === 16);
    expect(b.all('drained').map((f) => f.rid)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    a.close();
    b.close();
  });

  it('RelayClient.drain resolves once its handler has taken everything', async () => {
    const a = await login(t.relay, alice);
    const ids = Array.from({ length: 5 }, () => newNoteId());
    for (const id of ids) a.send(sendFrame(id, alice, [bob]));
    for (const id of ids) await a.next('stored', (f) => f.id === id);
    const client = new RelayClient({ url: t.relay.wsUrl, credential: bob.text, sign: (m) => signDetached(m, bob.keys.secretKey) });
    const seen: string[] = [];
    client.onDeliver((d) => void seen.push(d.id));
    try {
      await client.connect();
      await client.drain(5000);
      expect(seen).toEqual(ids);
      expect(t.relay.health().mailbox).toBe(0);
    } finally {
      await client.close();
      a.close();
    }
  });
});
