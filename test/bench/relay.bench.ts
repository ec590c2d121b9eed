// Relay benchmark (issue 6, item 6): throughput of a relay in its own process — envelopes stored
// (sends acknowledged per second, many senders), forwarded (a backlog delivered to recipients who log
// in), and both at once — and the delivery latency (send → recipient receives) at a fixed offered load
// of 1,000 envelopes per second. `npm run bench relay`.
//
// Real parts: the relay is startRelay in a child process (its own event loop and core, a real
// SQLite database with synchronous=FULL in a temp folder, the default limits), the clients are
// RelayClients over loopback, and every envelope is a real sealed one (a 1 KiB note to one recipient,
// sealed before any timing). The bundle re-runs itself with --relay-child to be that child.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RelayClient } from '../../main/transport/relay-client';
import { buildFleet, refOf, type Fleet, type FleetOfficer, type SealedNote } from '../helpers/relay-fleet';
import { relayCpuMs, runRelayChild, spawnRelayProcess, type RelayChildConfig, type RelayProcess } from '../helpers/relay-process';

/**
 * Goals (issue 6): one relay on this 2-core machine stores and forwards ≥ 5,000 envelopes/s, and at an
 * offered load of 1,000 envelopes/s delivers with p99 < 20 ms from send to recipient.
 */
const GOAL_PER_S = 5_000;
const GOAL_P99_MS = 20;
const OFFERED_PER_S = 1_000;
const OFFERED_SECONDS = 5;

const OFFICERS = 48;
/** Each of the 24 senders, in the store and forward phases; and each of the 48 officers when live. */
const STORE_EACH = 400;
const LIVE_EACH = 200;
const LATENCY_SENDERS = 10;

const line = (what: string, value: string, ratio: number, goal: string) => {
  console.log(`${what.padEnd(50)} ${value.padStart(16)}   ${ratio.toFixed(2)}× the goal (${goal}) ${ratio >= 1 ? 'OK' : 'UNDER'}`);
  if (!(ratio >= 1)) process.exitCode = 1;
};
const info = (what: string, value: string) => console.log(`${what.padEnd(50)} ${value.padStart(16)}`);
const perS = (n: number, ms: number) => (n * 1000) / ms;
const fmt = (x: number) => Math.round(x).toLocaleString('en');
const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
};

/** Received deliveries, by recipient, and whoever waits for a count. */
class Arrivals {
  readonly at = new Map<string, number>();
  duplicates = 0;
  #target = Infinity;
  #done: (() => void) | null = null;

  record(recipient: string, id: string): void {
    const key = `${recipient}|${id}`;
    if (this.at.has(key)) this.duplicates += 1;
    else this.at.set(key, performance.now());
    if (this.at.size >= this.#target) this.#done?.();
  }

  until(count: number, timeoutMs: number): Promise<void> {
    if (this.at.size >= count) return Promise.resolve();
    this.#target = count;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.at.size} of ${count} deliveries arrived`)), timeoutMs);
      this.#done = () => (clearTimeout(timer), resolve());
    });
  }
}

async function connectAll(fleet: Fleet, officers: readonly FleetOfficer[], url: string, arrivals: Arrivals): Promise<Map<string, RelayClient>> {
  const clients = new Map<string, RelayClient>();
  await Promise.all(
    officers.map(async (o) => {
      const c = fleet.client(o, url);
      c.onDeliver((d) => arrivals.record(o.officerId, d.id));
      c.onReceipt(() => {});
      clients.set(o.officerId, c);
      await c.connect();
    }),
  );
  return clients;
}

function send(clients: Map<string, RelayClient>, n: SealedNote): Promise<unknown> {
  const c = clients.get(n.from.officerId);
  if (c === undefined) throw new Error(`${n.from.officerId} is not connected`);
  return c.send({ noteId: n.id, to: n.to.map(refOf), envelope: n.bytes });
}

async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'entente-relay-bench-'));
  let relay: RelayProcess | null = null;
  const clients = new Map<string, RelayClient>();
  try {
    const fleet = await buildFleet(OFFICERS);
    const half = OFFICERS / 2;
    const senders = fleet.officers.slice(0, half);
    const recipients = fleet.officers.slice(half);
    const partner = (i: number) => fleet.officers[(i + half) % OFFICERS] as FleetOfficer;

    const t0 = performance.now();
    const warm = fleet.officers.flatMap((o, i) => Array.from({ length: 10 }, (_, k) => fleet.seal(o, [partner(i)], 1 + k)));
    const stored = senders.flatMap((o, i) => Array.from({ length: STORE_EACH }, (_, k) => fleet.seal(o, [partner(i)], 100 + k)));
    const live = fleet.officers.flatMap((o, i) => Array.from({ length: LIVE_EACH }, (_, k) => fleet.seal(o, [partner(i)], 1000 + k)));
    const latencySenders = fleet.officers.slice(0, LATENCY_SENDERS);
    const offered = Array.from({ length: OFFERED_PER_S * OFFERED_SECONDS }, (_, k) => {
      const i = k % LATENCY_SENDERS;
      return fleet.seal(latencySenders[i] as FleetOfficer, [partner(i)], 5000 + k);
    });
    const sealMs = performance.now() - t0;
    const size = stored[0]?.bytes.length ?? 0;
    console.log(`${OFFICERS} officers, ${fmt(warm.length + stored.length + live.length + offered.length)} sealed envelopes of ${fmt(size)} bytes (1 KiB note, 1 recipient), sealed in ${(sealMs / 1000).toFixed(1)} s before timing`);

    const config: RelayChildConfig = { host: '127.0.0.1', port: 0, dataDir: join(dir, 'relay-data'), cards: fleet.writeCards(dir) };
    writeFileSync(join(dir, 'relay.json'), JSON.stringify(config));
    relay = await spawnRelayProcess({ args: [process.argv[1] as string, '--relay-child', join(dir, 'relay.json')] });
    const url = relay.url;

    // Warm-up: everyone logs in and exchanges a few notes (JIT, statement cache, WAL).
    const arrivals = new Arrivals();
    for (const [k, v] of await connectAll(fleet, fleet.officers, url, arrivals)) clients.set(k, v);
    await Promise.all(warm.map((n) => send(clients, n)));
    await arrivals.until(warm.length, 30_000);
    // The recipients leave: the store phase fills their mailboxes.
    await Promise.all(recipients.map((o) => clients.get(o.officerId)?.close()));
    for (const o of recipients) clients.delete(o.officerId);
    await sleep(3000);

    // 1. Stored: 24 senders hand over 400 envelopes each as fast as the relay acknowledges them.
    let cpu0 = await relayCpuMs(relay);
    let own0 = ownCpuMs();
    let start = performance.now();
    await Promise.all(stored.map((n) => send(clients, n)));
    const storeMs = performance.now() - start;
    const storeCpu = (await relayCpuMs(relay)) - cpu0;
    const storeOwn = ownCpuMs() - own0;

    // 2. Forwarded: the recipients log in and take the backlog (delivery, ack, delete, receipt).
    const backlog = new Arrivals();
    cpu0 = await relayCpuMs(relay);
    own0 = ownCpuMs();
    start = performance.now();
    for (const [k, v] of await connectAll(fleet, recipients, url, backlog)) clients.set(k, v);
    await backlog.until(stored.length, 60_000);
    const forwardMs = performance.now() - start;
    const forwardCpu = (await relayCpuMs(relay)) - cpu0;
    const forwardOwn = ownCpuMs() - own0;
    await sleep(3000);

    // 3. Live: all 48 connected, each sending 200 to its partner; done when the last one is delivered.
    const both = new Arrivals();
    for (const o of fleet.officers) clients.get(o.officerId)?.onDeliver((d) => both.record(o.officerId, d.id));
    cpu0 = await relayCpuMs(relay);
    own0 = ownCpuMs();
    start = performance.now();
    await Promise.all([Promise.all(live.map((n) => send(clients, n))), both.until(live.length, 60_000)]);
    const liveMs = performance.now() - start;
    const liveCpu = (await relayCpuMs(relay)) - cpu0;
    const liveOwn = ownCpuMs() - own0;
    await sleep(3000);

    // 4. Latency at a fixed offered load: 1,000 envelopes/s from 10 senders for 5 s.
    const timed = new Arrivals();
    for (const o of fleet.officers) clients.get(o.officerId)?.onDeliver((d) => timed.record(o.officerId, d.id));
    const sentAt = new Map<string, number>();
    start = performance.now();
    let next = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(offered.length, Math.floor(((performance.now() - start) * OFFERED_PER_S) / 1000) + 1);
        for (; next < due; next++) {
          const n = offered[next] as SealedNote;
          sentAt.set(n.id, performance.now());
          void send(clients, n);
        }
        if (next >= offered.length) resolve();
        else setTimeout(tick, 1);
      };
      tick();
    });
    const offeredMs = performance.now() - start;
    await timed.until(offered.length, 30_000);
    const latencies = offered.map((n) => (timed.at.get(`${n.to[0]?.officerId}|${n.id}`) as number) - (sentAt.get(n.id) as number));

    const duplicates = arrivals.duplicates + backlog.duplicates + both.duplicates + timed.duplicates;
    if (duplicates > 0) throw new Error(`${duplicates} envelopes were delivered twice`);

    const cpuNote = (ms: number, n: number, wall: number, clientMs: number) => `relay CPU ${(ms / n).toFixed(3)} ms/envelope, ${Math.round((100 * ms) / wall)}% of a core; clients ${Math.round((100 * clientMs) / wall)}%`;
    console.log('');
    line(`stored: ${fmt(stored.length)} sends acknowledged (${half} senders)`, `${fmt(perS(stored.length, storeMs))} env/s`, perS(stored.length, storeMs) / GOAL_PER_S, `${fmt(GOAL_PER_S)}/s`);
    info(`  ${cpuNote(storeCpu, stored.length, storeMs, storeOwn)}`, '');
    line(`forwarded: backlog delivered to ${half} recipients`, `${fmt(perS(stored.length, forwardMs))} env/s`, perS(stored.length, forwardMs) / GOAL_PER_S, `${fmt(GOAL_PER_S)}/s`);
    info(`  ${cpuNote(forwardCpu, stored.length, forwardMs, forwardOwn)}`, '');
    line(`live: ${fmt(live.length)} stored and forwarded, ${OFFICERS} online`, `${fmt(perS(live.length, liveMs))} env/s`, perS(live.length, liveMs) / GOAL_PER_S, `${fmt(GOAL_PER_S)}/s`);
    info(`  ${cpuNote(liveCpu, live.length, liveMs, liveOwn)}`, '');
    info(`offered: ${fmt(offered.length)} envelopes in ${(offeredMs / 1000).toFixed(2)} s`, `${fmt(perS(offered.length, offeredMs))} env/s`);
    info('  latency send → recipient, p50', `${quantile(latencies, 0.5).toFixed(2)} ms`);
    line('  latency send → recipient, p99', `${quantile(latencies, 0.99).toFixed(2)} ms`, GOAL_P99_MS / quantile(latencies, 0.99), `< ${GOAL_P99_MS} ms`);
    info('  latency send → recipient, max', `${Math.max(...latencies).toFixed(2)} ms`);
  } finally {
    await Promise.all([...clients.values()].map((c) => c.close()));
    if (relay !== null) await relay.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--relay-child') await runRelayChild(process.argv[3] as string);
else await bench();
