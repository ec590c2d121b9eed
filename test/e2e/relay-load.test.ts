import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openEnvelope, parseEnvelope, verifyEnvelopeSignature } from '../../main/crypto/envelope';
import { EntenteError } from '../../shared/errors';
import type { RelayClient } from '../../main/transport/relay-client';
import { buildFleet, refOf, type Fleet, type FleetOfficer, type SealedNote } from '../helpers/relay-fleet';
import { relayCliArgs, spawnRelayProcess, type RelayProcess } from '../helpers/relay-process';
import { tempDir } from '../helpers/tmp';

// Issue 6, item 6: 50 clients × 200 notes over loopback through one relay, nothing lost. The relay is
// the built `entente relay` in its own process with its default limits; the clients are RelayClients
// (main/transport) in this process, one per officer, each sending and receiving at once — not the
// sync engine: what is under load here is the relay and the transport, and the fault tests
// (delivery-faults.test.ts) run the sync engine on real profiles. Every envelope is a real sealed one,
// 1 to 3 recipients each. Run `npm run build` first.

const CLI = resolve('dist/cli/entente.js');
const CLIENTS = 50;
const EACH = 200;

let dir: ReturnType<typeof tempDir>;
let fleet: Fleet;
let relay: RelayProcess | null = null;
const clients = new Map<string, RelayClient>();

const key = (recipient: string, id: string) => `${recipient}|${id}`;

beforeAll(async () => {
  expect(existsSync(CLI), 'run `npm run build` first').toBe(true);
  dir = tempDir('entente-load-');
  // One more officer than the senders: the hostile one.
  fleet = await buildFleet(CLIENTS + 1);
  relay = await spawnRelayProcess({ args: relayCliArgs(CLI, { listen: '127.0.0.1:0', data: join(dir.path, 'relay-data'), cards: fleet.writeCards(dir.path) }), cwd: dir.path });
}, 60_000);

afterAll(async () => {
  await Promise.all([...clients.values()].map((c) => c.close()));
  if (relay !== null) expect(await relay.stop()).toEqual({ code: 0, signal: null });
  dir.remove();
});

describe('relay under load', () => {
  it(`${CLIENTS} clients × ${EACH} notes over loopback: every note stored once and received exactly once by each recipient`, async () => {
    const url = (relay as RelayProcess).url;
    const officers = fleet.officers.slice(0, CLIENTS);
    const hostile = fleet.officers[CLIENTS] as FleetOfficer;
    // 1 to 3 others, never the sender (offsets 1…49, distinct for j = 0, 1, 2).
    const recipientsOf = (i: number, k: number): FleetOfficer[] => Array.from({ length: 1 + ((i + k) % 3) }, (_, j) => officers[(i + 1 + ((j * 7 + k) % (CLIENTS - 1))) % CLIENTS] as FleetOfficer);
    const notes: SealedNote[] = officers.flatMap((o, i) => Array.from({ length: EACH }, (_, k) => fleet.seal(o, recipientsOf(i, k), k + 1, 300 + ((i * EACH + k) % 900))));
    const expected = new Map<string, Uint8Array>();
    for (const n of notes) for (const r of n.to) expected.set(key(r.officerId, n.id), n.bytes);

    const delivered = new Map<string, number>();
    const wrong: string[] = [];
    const receipts = new Map<string, number>();
    const samples: { officer: FleetOfficer; envelope: Uint8Array }[] = [];
    let settle: () => void = () => {};
    const allIn = new Promise<void>((r) => (settle = r));
    const check = () => {
      if (delivered.size === expected.size && receipts.size === expected.size) settle();
    };
    await Promise.all(
      [...officers, hostile].map(async (o) => {
        const c = fleet.client(o, url);
        c.onDeliver((d) => {
          const k = key(o.officerId, d.id);
          const bytes = expected.get(k);
          if (bytes === undefined || Buffer.compare(bytes, d.envelope) !== 0 || d.from.officerId === hostile.officerId) wrong.push(k);
          delivered.set(k, (delivered.get(k) ?? 0) + 1);
          if (samples.length < 20 && d.id.endsWith('A')) samples.push({ officer: o, envelope: d.envelope });
          check();
        });
        c.onReceipt((r) => {
          const k = key(r.to.officerId, r.id);
          if (r.state !== 'delivered' || !expected.has(k)) wrong.push(`receipt ${k}`);
          receipts.set(k, (receipts.get(k) ?? 0) + 1);
          check();
        });
        clients.set(o.officerId, c);
        await c.connect();
      }),
    );

    const start = performance.now();
    const sent = Promise.all(notes.map((n) => (clients.get(n.from.officerId) as RelayClient).send({ noteId: n.id, to: n.to.map(refOf), envelope: n.bytes })));
    // Meanwhile a hostile client replays others' envelopes under its own login: refused, never routed.
    const stolen = notes.slice(0, 5);
    const refusals = await Promise.all(stolen.map((n) => (clients.get(hostile.officerId) as RelayClient).send({ noteId: n.id, to: n.to.map(refOf), envelope: n.bytes }).then(() => null, (e: unknown) => e)));
    const answers = await sent;
    await Promise.race([allIn, new Promise((_, reject) => setTimeout(() => reject(new Error(`${delivered.size} of ${expected.size} deliveries, ${receipts.size} receipts`)), 90_000))]);
    const seconds = (performance.now() - start) / 1000;
    console.log(`${notes.length} notes (${expected.size} deliveries) sent, delivered and receipted in ${seconds.toFixed(1)} s: ${Math.round(expected.size / seconds)} deliveries/s`);

    expect(refusals.map((e) => (e instanceof EntenteError ? e.code : String(e)))).toEqual(Array(5).fill('relay_frame_invalid'));
    expect(answers.filter((a) => a.duplicate)).toEqual([]);
    expect(wrong).toEqual([]);
    expect([...delivered.values()].filter((n) => n !== 1)).toEqual([]);
    expect([...expected.keys()].filter((k) => !delivered.has(k))).toEqual([]);
    expect([...receipts.values()].filter((n) => n !== 1)).toEqual([]);

    // What arrived is what was sealed: a sample opens with the recipients' keys.
    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) {
      const env = parseEnvelope(s.envelope);
      const from = fleet.officers.find((o) => o.officerId === env.header.sender.officerId) as FleetOfficer;
      verifyEnvelopeSignature(env, from.sign.publicKey);
      const plain = openEnvelope(env, { agency: s.officer.agency, officerId: s.officer.officerId, identityDhSecret: s.officer.dh.secretKey.slice(), prekeySecret: () => s.officer.prekey.secretKey.slice() });
      expect(new TextDecoder().decode(plain)).toContain('liaison meeting');
    }

    // Everything acknowledged: the relay holds nothing more.
    await new Promise((r) => setTimeout(r, 300));
    const health = (await (await fetch(`${url.replace(/^ws:/, 'http:')}/healthz`)).json()) as Record<string, number | string>;
    expect(health).toMatchObject({ status: 'ok', officers: CLIENTS + 1, envelopes: 0, mailbox: 0, receipts: 0 });
  }, 150_000);
});
