import { afterEach, describe, expect, it } from 'vitest';
import { get } from 'node:http';
import { toBase64url } from '../../../main/trust/base64url';
import { startRelay } from '../../../relay/server';
import type { RelayLimits } from '../../../relay/limits';
import { countRows, inspect, login, makeEnvelope, newNoteId, Peer, relayCast, sendFrame, startTestRelay, type TestRelay } from './relay-fixtures';

const { fr, uk, alice, bob, carol } = await relayCast();
let t: TestRelay | null = null;

afterEach(async () => {
  await t?.stop();
  t = null;
});

async function relayWith(limits: Partial<RelayLimits>): Promise<TestRelay> {
  t = await startTestRelay([fr, uk], { limits });
  return t;
}

/** The relay still serves: a fresh officer can log in and query. */
async function stillServing(r: TestRelay): Promise<void> {
  const c = await login(r.relay, carol);
  c.send({ type: 'query', rid: 999, kinds: ['revocation-list'] });
  expect((await c.next('directory')).rid).toBe(999);
  c.close();
}

function health(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    get(`${url}/healthz`, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    }).on('error', reject);
  });
}

describe('relay limits', () => {
  it('answers an oversized frame with relay_frame_too_large and keeps the connection', async () => {
    const r = await relayWith({ maxFrameBytes: 10_000 });
    const a = await login(r.relay, alice);
    a.send({ type: 'query', rid: 1, agency: 'x'.repeat(12_000) });
    expect(await a.next('error')).toMatchObject({ code: 'relay_frame_too_large' });
    a.send({ type: 'query', rid: 2 });
    expect((await a.next('directory')).rid).toBe(2);
    // Past twice the limit, the WebSocket layer itself refuses to buffer the frame: 1009.
    a.send('x'.repeat(30_000));
    expect((await a.closed).code).toBe(1009);
    await stillServing(r);
  });

  it('answers an oversized envelope with relay_frame_too_large naming the note', async () => {
    const r = await relayWith({ maxEnvelopeBytes: 1000 });
    const a = await login(r.relay, alice);
    const id = newNoteId();
    a.send(sendFrame(id, alice, [bob], makeEnvelope(id, alice, [bob], { bodyBytes: 256 * 4 + 16 })));
    expect(await a.next('error')).toMatchObject({ code: 'relay_frame_too_large', id });
    expect(countRows(r.dataDir, 'envelopes')).toBe(0);
    a.close();
  });

  it('rate-limits each connection with a token bucket, without affecting others', async () => {
    const r = await relayWith({ ratePerSecond: 5, rateBurst: 5 });
    const a = await login(r.relay, alice);
    for (let i = 1; i <= 10; i++) a.send({ type: 'query', rid: i });
    const limited = await a.next('error');
    expect(limited).toMatchObject({ code: 'relay_rate_limited' });
    expect(limited.rid).toBeGreaterThan(1);
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    await stillServing(r);
    await new Promise((res) => setTimeout(res, (limited.retryAfterMs ?? 0) + 50));
    a.send({ type: 'query', rid: 50 });
    expect((await a.next('directory', (f) => f.rid === 50)).rid).toBe(50);
    expect(a.ws.readyState).toBe(a.ws.OPEN);
    a.close();
  });

  it('refuses a send into a full mailbox (count or bytes), storing nothing for any recipient', async () => {
    const r = await relayWith({ mailboxMaxEnvelopes: 2, mailboxMaxBytes: 1_000_000 });
    const a = await login(r.relay, alice);
    const ids = [newNoteId(), newNoteId(), newNoteId()];
    for (const id of ids.slice(0, 2)) {
      a.send(sendFrame(id, alice, [bob]));
      await a.next('stored', (f) => f.id === id);
    }
    a.send(sendFrame(ids[2] as string, alice, [carol, bob]));
    expect(await a.next('error')).toMatchObject({ code: 'relay_mailbox_full', id: ids[2] });
    expect(countRows(r.dataDir, 'mailbox')).toBe(2);
    // Once bob takes one note, there is room again.
    const b = await login(r.relay, bob);
    b.send({ type: 'ack', ids: [(await b.next('deliver')).id] });
    await a.next('receipt');
    a.send(sendFrame(ids[2] as string, alice, [carol, bob]));
    expect(await a.next('stored', (f) => f.id === ids[2])).toMatchObject({ duplicate: false });
    a.close();
    b.close();
  });

  it('counts mailbox bytes too', async () => {
    const r = await relayWith({ mailboxMaxBytes: 5000 });
    const a = await login(r.relay, alice);
    const first = newNoteId();
    a.send(sendFrame(first, alice, [bob], makeEnvelope(first, alice, [bob], { bodyBytes: 256 * 12 + 16 })));
    await a.next('stored');
    const second = newNoteId();
    a.send(sendFrame(second, alice, [bob], makeEnvelope(second, alice, [bob], { bodyBytes: 256 * 8 + 16 })));
    expect(await a.next('error')).toMatchObject({ code: 'relay_mailbox_full', id: second });
    a.close();
  });

  it('answers malformed frames with relay_frame_invalid; the connection survives until it keeps misbehaving', async () => {
    const r = await relayWith({ maxStrikes: 5 });
    const a = await login(r.relay, alice);
    const garbage: (string | Buffer)[] = ['not json', '[1,2]', '{"type":"nope"}', '{"type":"send","id":"x"}'];
    for (const g of garbage) {
      a.send(g);
      expect(await a.next('error')).toMatchObject({ code: 'relay_frame_invalid' });
    }
    a.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await a.next('error')).toMatchObject({ code: 'relay_frame_invalid' });
    expect((await a.closed).code).toBe(1008);
    // A peer that recovers in between is not closed: strikes count refused frames in a row.
    const b = await login(r.relay, bob);
    for (let i = 0; i < 12; i++) {
      b.send('{"type":"nope"}');
      if (i % 3 === 2) b.send({ type: 'query', rid: 100 + i });
    }
    await b.next('directory', (f) => f.rid === 111);
    expect(b.ws.readyState).toBe(b.ws.OPEN);
    b.close();
    await stillServing(r);
  });

  it('answers relay_storage_failed when the database cannot grow, and acknowledges nothing', async () => {
    const r = await relayWith({ maxDatabaseBytes: 1 });
    const a = await login(r.relay, alice);
    const id = newNoteId();
    a.send(sendFrame(id, alice, [bob], makeEnvelope(id, alice, [bob], { bodyBytes: 256 * 200 + 16 })));
    expect(await a.next('error')).toMatchObject({ code: 'relay_storage_failed', id });
    expect(a.all('stored')).toEqual([]);
    expect(countRows(r.dataDir, 'note_ids')).toBe(0);
    expect(countRows(r.dataDir, 'envelopes')).toBe(0);
    expect((await health(r.relay.url)).status).toBe(200);
    a.close();
  });

  it('acknowledges exactly what was committed when a batch hits the size cap', async () => {
    const r = await relayWith({ maxDatabaseBytes: 1 });
    const a = await login(r.relay, alice);
    const ids = Array.from({ length: 12 }, () => newNoteId());
    // Sent in one burst so that they share commit batches; the big ones cannot fit.
    ids.forEach((id, i) => a.send(sendFrame(id, alice, [bob], makeEnvelope(id, alice, [bob], { bodyBytes: i % 3 === 0 ? 256 * 100 + 16 : 272 }))));
    const answers = await Promise.all(ids.map((id) => Promise.race([a.next('stored', (f) => f.id === id), a.next('error', (f) => f.id === id)])));
    const stored = answers.filter((f) => f.type === 'stored').map((f) => f.id);
    const failed = answers.filter((f) => f.type === 'error');
    expect(failed.length).toBeGreaterThanOrEqual(4);
    for (const f of failed) expect(f).toMatchObject({ code: 'relay_storage_failed' });
    const held = new Set(inspect(r.dataDir, 'SELECT id FROM note_ids').map((row) => String(row.id)));
    expect([...held].sort()).toEqual([...stored].sort());
    a.close();
  });

  it('serves /healthz with counts, and 404 elsewhere', async () => {
    const r = await relayWith({});
    const a = await login(r.relay, alice);
    a.send(sendFrame(newNoteId(), alice, [bob]));
    await a.next('stored');
    const h = await health(r.relay.url);
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: 'ok', connections: 1, officers: 1, envelopes: 1, mailbox: 1, receipts: 0 });
    const missing = await new Promise<number>((res) => get(`${r.relay.url}/nope`, (rs) => res(rs.statusCode ?? 0)));
    expect(missing).toBe(404);
    a.close();
  });

  it('shuts down gracefully: every send answered stored is on disk, sockets close with 1001', async () => {
    const r = await relayWith({ ratePerSecond: 10_000, rateBurst: 10_000 });
    const a = await login(r.relay, alice);
    const ids = Array.from({ length: 200 }, () => newNoteId());
    for (const id of ids) a.send(sendFrame(id, alice, [bob]));
    await a.next('stored');
    await r.relay.close();
    expect((await a.closed).code).toBe(1001);
    const stored = a.all('stored').map((f) => f.id);
    expect(stored.length).toBeGreaterThan(0);
    await r.restart();
    const b = await login(r.relay, bob);
    const delivered = new Set<string>();
    // Acknowledged as they come: the relay keeps at most deliveryWindow (128) unacknowledged in flight.
    while (delivered.size < stored.length) {
      const d = await b.next('deliver');
      delivered.add(d.id);
      b.send({ type: 'ack', ids: [d.id] });
    }
    for (const id of stored) expect(delivered.has(id)).toBe(true);
    b.close();
  });

  it('refuses a second relay on the same data folder', async () => {
    const r = await relayWith({});
    await expect(startRelay({ host: '127.0.0.1', port: 0, dataDir: r.dataDir, trustCards: [fr.card] })).rejects.toMatchObject({ code: 'relay_storage_failed' });
    expect((await health(r.relay.url)).status).toBe(200);
  });

  it('never writes envelope bytes or labels to its log', async () => {
    const r = await relayWith({});
    const a = await login(r.relay, alice);
    const b = await login(r.relay, bob);
    const id = newNoteId();
    const envelope = makeEnvelope(id, alice, [bob], { label: { policyId: '1.3.26.1.3.1', classification: 3, categories: [], marker: 'SECRET-LABEL-MARKER' } });
    a.send({ type: 'send', id, to: [{ agency: bob.agency, officerId: bob.officerId }], envelope: toBase64url(envelope) });
    await a.next('stored');
    b.send({ type: 'ack', ids: [(await b.next('deliver')).id] });
    await a.next('receipt');
    const text = r.logs.join('');
    expect(r.logs.length).toBeGreaterThan(4);
    for (const line of r.logs) expect(() => JSON.parse(line)).not.toThrow();
    expect(text).toContain('envelope_stored');
    expect(text).not.toContain('SECRET-LABEL-MARKER');
    expect(text).not.toContain(toBase64url(envelope).slice(100, 140));
    expect(text).not.toContain(alice.text.slice(0, 60));
    a.close();
    b.close();
  });

  it('refuses new connections while stopping', async () => {
    const r = await relayWith({});
    const closing = r.relay.close();
    await expect(Peer.open(r.relay.wsUrl)).rejects.toThrow();
    await closing;
    await r.restart();
  });
});
