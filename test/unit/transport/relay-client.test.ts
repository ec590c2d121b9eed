import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { signDetached, sodiumReady } from '../../../main/crypto/sodium';
import { RelayClient, type Delivery, type Receipt, type RelayClientOptions, type RelayClientState } from '../../../main/transport/relay-client';
import { SignedPrekey } from '../../../main/trust/objects';
import { decodeSigned } from '../../../main/trust/signed';
import {
  countRows,
  makeAgency,
  makeEnvelope,
  makeOfficer,
  makePrekey,
  newNoteId,
  ref,
  startTestRelay,
  type TestAgency,
  type TestOfficer,
  type TestRelay,
} from '../relay/relay-fixtures';

let fr: TestAgency;
let uk: TestAgency;
let rogue: TestAgency;
let alice: TestOfficer;
let bob: TestOfficer;
let t: TestRelay | null = null;
const clients: RelayClient[] = [];

beforeAll(async () => {
  await sodiumReady();
  fr = makeAgency('fr-dgsi', 1);
  uk = makeAgency('uk-demo', 2);
  rogue = makeAgency('xx-rogue', 9);
  alice = makeOfficer(fr, 'alice', 11);
  bob = makeOfficer(uk, 'bob', 12);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await t?.stop();
  t = null;
});

function client(officer: TestOfficer, url: string, extra: Partial<RelayClientOptions> = {}): RelayClient {
  const c = new RelayClient({ url, credential: officer.text, sign: (m) => signDetached(m, officer.keys.secretKey), backoff: { baseMs: 20, maxMs: 200 }, ...extra });
  clients.push(c);
  return c;
}

const note = (from: TestOfficer, to: TestOfficer[]) => {
  const noteId = newNoteId();
  return { noteId, to: to.map(ref), envelope: makeEnvelope(noteId, from, to) };
};

/** A TCP proxy in front of the relay that can swallow the relay's answers or cut every connection. */
async function proxyTo(port: number): Promise<{ url: string; mute: boolean; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = { mute: false };
  const server: Server = createServer((inbound) => {
    const outbound = tcpConnect(port, '127.0.0.1');
    sockets.add(inbound).add(outbound);
    inbound.on('data', (d) => outbound.write(d));
    outbound.on('data', (d) => {
      if (!state.mute) inbound.write(d);
    });
    for (const [a, b] of [[inbound, outbound], [outbound, inbound]] as const) {
      a.on('close', () => b.destroy());
      a.on('error', () => b.destroy());
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${address.port}`,
    get mute() {
      return state.mute;
    },
    set mute(v: boolean) {
      state.mute = v;
    },
    cut: () => {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    close: () => new Promise<void>((r) => (server.close(() => r()), sockets.forEach((s) => s.destroy()))),
  };
}

describe('relay client', () => {
  it('logs in, publishes its prekey and reads the directory', async () => {
    t = await startTestRelay([fr, uk]);
    const states: RelayClientState[] = [];
    const a = client(alice, t.relay.wsUrl);
    a.onState((s) => states.push(s));
    const ready = await a.connect();
    expect(ready.officer).toEqual({ agency: 'fr-dgsi', officerId: 'alice', serial: 11 });
    expect(states).toEqual(['connecting', 'ready']);
    const prekey = decodeSigned(SignedPrekey, new TextEncoder().encode(makePrekey(alice, 1)));
    expect(await a.publish(prekey)).toBe('new');
    const b = client(bob, t.relay.wsUrl);
    await b.connect();
    const dir = await b.directory({ agency: 'fr-dgsi', officerId: 'alice' });
    expect(dir.credentials).toEqual([alice.text]);
    expect(dir.prekeys).toEqual([makePrekey(alice, 1)]);
    // Someone else's prekey is refused, with the relay's code.
    await expect(b.publish(prekey)).rejects.toMatchObject({ code: 'relay_directory_refused' });
    await expect(a.publish(alice.credential)).resolves.toBe('unchanged');
  });

  it('resolves a send once stored, delivers, acknowledges on handler success, and reports delivery', async () => {
    t = await startTestRelay([fr, uk]);
    const a = client(alice, t.relay.wsUrl);
    const b = client(bob, t.relay.wsUrl);
    const receipts: Receipt[] = [];
    a.onReceipt((r) => void receipts.push(r));
    await a.connect();
    const n = note(alice, [bob]);
    const dataDir = t.dataDir;
    const stored = await a.send(n).then((r) => ({ ...r, rows: countRows(dataDir, 'mailbox') }));
    expect(stored).toEqual({ duplicate: false, rows: 1 });
    const got: Delivery[] = [];
    b.onDeliver((d) => void got.push(d));
    await b.connect();
    await expect.poll(() => receipts.length).toBe(1);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ id: n.noteId, from: ref(alice) });
    expect(got[0]?.envelope).toEqual(n.envelope);
    expect(receipts[0]).toMatchObject({ id: n.noteId, to: ref(bob), state: 'delivered' });
    expect(countRows(t.dataDir, 'mailbox')).toBe(0);
    await expect.poll(() => countRows(dataDir, 'receipts')).toBe(0);
  });

  it('leaves a delivery at the relay when the handler fails, and gets it again on the next connection', async () => {
    t = await startTestRelay([fr, uk]);
    const a = client(alice, t.relay.wsUrl);
    await a.connect();
    const n = note(alice, [bob]);
    await a.send(n);
    let calls = 0;
    const b = client(bob, t.relay.wsUrl);
    b.onDeliver(() => {
      calls += 1;
      if (calls === 1) throw new Error('disk full');
    });
    await b.connect();
    await expect.poll(() => calls).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(countRows(t.dataDir, 'mailbox')).toBe(1);
    await b.close();
    const again = client(bob, t.relay.wsUrl);
    let delivered = 0;
    again.onDeliver(() => void (delivered += 1));
    await again.connect();
    await expect.poll(() => countRows(t?.dataDir ?? '', 'mailbox')).toBe(0);
    expect(delivered).toBe(1);
  });

  it('holds deliveries that arrive before a handler is registered', async () => {
    t = await startTestRelay([fr, uk]);
    const a = client(alice, t.relay.wsUrl);
    await a.connect();
    await a.send(note(alice, [bob]));
    const b = client(bob, t.relay.wsUrl);
    await b.connect();
    await new Promise((r) => setTimeout(r, 50));
    expect(countRows(t.dataDir, 'mailbox')).toBe(1);
    const got: string[] = [];
    b.onDeliver((d) => void got.push(d.id));
    await expect.poll(() => got.length).toBe(1);
  });

  it('returns the same promise for the same note id, and stores a re-send once', async () => {
    t = await startTestRelay([fr, uk]);
    const a = client(alice, t.relay.wsUrl);
    await a.connect();
    const n = note(alice, [bob]);
    const p1 = a.send(n);
    expect(a.send(n)).toBe(p1);
    expect(await p1).toEqual({ duplicate: false });
    expect(await a.send(n)).toEqual({ duplicate: true });
    expect(countRows(t.dataDir, 'mailbox')).toBe(1);
    await expect(a.send({ ...n, noteId: 'short' })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('re-sends after a lost confirmation: the relay holds the note exactly once', async () => {
    t = await startTestRelay([fr, uk]);
    const proxy = await proxyTo(t.relay.port);
    try {
      const a = client(alice, proxy.url, { relayId: t.relay.relayId });
      await a.connect();
      proxy.mute = true;
      const n = note(alice, [bob]);
      const sent = a.send(n);
      // The relay stores it, but its 'stored' never reaches the client.
      await expect.poll(() => countRows(t?.dataDir ?? '', 'mailbox')).toBe(1);
      proxy.mute = false;
      proxy.cut();
      expect(await sent).toEqual({ duplicate: true });
      expect(a.unconfirmed).toBe(0);
      expect(countRows(t.dataDir, 'mailbox')).toBe(1);
      expect(countRows(t.dataDir, 'note_ids')).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('reconnects with backoff after the relay restarts and sends what was queued meanwhile', async () => {
    t = await startTestRelay([fr, uk]);
    const a = client(alice, t.relay.wsUrl);
    const states: RelayClientState[] = [];
    a.onState((s) => states.push(s));
    await a.connect();
    await t.relay.close();
    await expect.poll(() => a.state).toBe('backoff');
    const queued = [note(alice, [bob]), note(alice, [bob])];
    const promises = queued.map((n) => a.send(n));
    expect(a.unconfirmed).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    await t.restart();
    expect(await Promise.all(promises)).toEqual([{ duplicate: false }, { duplicate: false }]);
    expect(countRows(t.dataDir, 'mailbox')).toBe(2);
    expect(states.filter((s) => s === 'ready').length).toBe(2);
    expect(states).toContain('backoff');
  });

  it('stops, without retrying, when the relay refuses the login', async () => {
    t = await startTestRelay([fr, uk]);
    const stranger = makeOfficer(rogue, 'mallory', 21);
    const c = client(stranger, t.relay.wsUrl);
    const pending = c.send(note(stranger, [bob]));
    await expect(c.connect()).rejects.toMatchObject({ code: 'relay_auth_failed' });
    await expect(pending).rejects.toMatchObject({ code: 'relay_auth_failed' });
    expect(c.state).toBe('refused');
    const opened = () => t?.logs.filter((l) => l.includes('connection_opened')).length ?? 0;
    const before = opened();
    await new Promise((r) => setTimeout(r, 300));
    expect(opened()).toBe(before);
  });

  it('gives way, without fighting back, when another client of the same officer logs in', async () => {
    t = await startTestRelay([fr, uk]);
    const first = client(alice, t.relay.wsUrl);
    await first.connect();
    const second = client(alice, t.relay.wsUrl);
    await second.connect();
    await expect.poll(() => first.state).toBe('refused');
    await new Promise((r) => setTimeout(r, 200));
    expect(second.state).toBe('ready');
    expect(t.logs.filter((l) => l.includes('auth_ok'))).toHaveLength(2);
  });

  it('refuses to log in to a relay presenting another id', async () => {
    t = await startTestRelay([fr, uk], { relayId: 'relay.fr-dgsi.example' });
    const c = client(alice, t.relay.wsUrl);
    await expect(c.connect()).rejects.toMatchObject({ code: 'relay_auth_failed' });
    expect(t.logs.some((l) => l.includes('auth_ok'))).toBe(false);
    const right = client(alice, t.relay.wsUrl, { relayId: 'relay.fr-dgsi.example' });
    await expect(right.connect()).resolves.toMatchObject({ officer: { officerId: 'alice' } });
  });

  it('reports an unreachable relay and keeps retrying with growing delays', async () => {
    const delays: number[] = [];
    const c = client(alice, 'ws://127.0.0.1:9', {
      random: () => 0.999,
      log: (event, fields) => {
        if (event === 'relay_disconnected') delays.push(Number(fields?.retryInMs));
      },
    });
    await expect(c.connect(400)).rejects.toMatchObject({ code: 'relay_unreachable' });
    expect(delays.length).toBeGreaterThanOrEqual(3);
    expect(delays.slice(0, 4)).toEqual([19, 39, 79, 159].slice(0, Math.min(4, delays.length)));
  });

  it('paces itself below the relay\'s rate limit', async () => {
    t = await startTestRelay([fr, uk], { limits: { ratePerSecond: 40, rateBurst: 6 } });
    const a = client(alice, t.relay.wsUrl);
    await a.connect();
    const results = await Promise.all(Array.from({ length: 30 }, () => a.send(note(alice, [bob]))));
    expect(results).toHaveLength(30);
    expect(t.logs.some((l) => l.includes('relay_rate_limited'))).toBe(false);
    expect(countRows(t.dataDir, 'mailbox')).toBe(30);
  });

  it('survives a signer that fails, and logs in once it works', async () => {
    t = await startTestRelay([fr, uk]);
    let calls = 0;
    const c = client(alice, t.relay.wsUrl, {
      sign: (m) => {
        calls += 1;
        if (calls === 1) throw new Error('smart card removed');
        return signDetached(m, alice.keys.secretKey);
      },
    });
    await expect(c.connect()).resolves.toMatchObject({ officer: { officerId: 'alice' } });
    expect(calls).toBe(2);
  });

  it('refuses an address that is not a WebSocket URL', () => {
    expect(() => client(alice, 'http://127.0.0.1:1')).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => client(alice, 'not a url')).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });

  it('rejects what is pending when closed', async () => {
    const c = client(alice, 'ws://127.0.0.1:9');
    void c.connect(10_000).catch(() => {});
    const pending = c.send(note(alice, [bob]));
    await c.close();
    await expect(pending).rejects.toMatchObject({ code: 'relay_unavailable' });
    expect(c.state).toBe('closed');
    await expect(c.connect()).rejects.toMatchObject({ code: 'relay_unavailable' });
  });
});
