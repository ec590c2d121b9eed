import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ok } from '../helpers/cli';
import { hasPrlimit, relayCliArgs, spawnRelayProcess, type RelayProcess } from '../helpers/relay-process';
import { tempDir } from '../helpers/tmp';
import { CLI, MARKING, PeerProcess, RECEIVERS, SENDERS, buildWorld, bundlePeer, enrol, freePort, range, relayRows, tally, texts, type World } from './faults/world';

// Issue 6, item 5: delivery survives crashes, with real processes. The relay is the built `entente
// relay` (SIGKILL is a real kill -9; it comes back on the same data folder and port); senders and
// receivers are peer.ts processes running the sync engine on real profiles with their persistent
// outboxes. "Exactly once" is checked where an officer sees it — `entente messages --json` — and at
// the relay's database. Run `npm run build` first.

let dir: ReturnType<typeof tempDir>;
let world: World;
let bundle = '';
const relays: RelayProcess[] = [];
const peers: PeerProcess[] = [];

const startRelay = async (data: string, port: number, extra: { uid?: number; gid?: number; fsizeBytes?: number; cards?: string[]; cwd?: string } = {}): Promise<RelayProcess> => {
  const relay = await spawnRelayProcess({ args: relayCliArgs(CLI, { listen: `127.0.0.1:${port}`, data, cards: extra.cards ?? world.cards }), cwd: extra.cwd ?? dir.path, ...extra });
  relays.push(relay);
  return relay;
};

const peer = (args: string[]): PeerProcess => {
  const p = PeerProcess.start(bundle, args, dir.path);
  peers.push(p);
  return p;
};
const sender = (name: (typeof SENDERS)[number], url: string, prefix: string, count: number, paceMs = 0) =>
  peer(['send', '--profile', world.officers[name].profile, '--relay', url, '--channel', world.channels[name], '--prefix', prefix, '--count', String(count), '--label', MARKING, '--pace', String(paceMs)]);
const receiver = (name: (typeof RECEIVERS)[number], url: string, expect: Record<string, number>) =>
  peer(['receive', '--profile', world.officers[name].profile, '--relay', url, '--expect', Object.entries(expect).map(([p, n]) => `${p}:${n}`).join(',')]);

async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Each expected text exactly once, and nothing else with these prefixes. */
function expectExactlyOnce(list: readonly string[], expected: readonly string[], who: string): void {
  const prefixes = new Set(expected.map((t) => t.replace(/-\d+$/, '')));
  const counts = tally(list.filter((t) => prefixes.has(t.replace(/-\d+$/, ''))));
  const missing = expected.filter((t) => !counts.has(t));
  const twice = [...counts].filter(([, n]) => n > 1).map(([t]) => t);
  expect({ who, missing: missing.slice(0, 5), twice: twice.slice(0, 5), total: counts.size }).toEqual({ who, missing: [], twice: [], total: expected.length });
}

beforeAll(async () => {
  expect(existsSync(CLI), 'run `npm run build` first').toBe(true);
  dir = tempDir('entente-faults-');
  [bundle, world] = await Promise.all([bundlePeer(), buildWorld(dir.path)]);
}, 120_000);

afterAll(async () => {
  await Promise.all(peers.map((p) => p.kill()));
  await Promise.all(relays.map((r) => r.stop('SIGKILL')));
  dir.remove();
});

describe('delivery faults with real processes', () => {
  let port = 0;
  let url = '';
  const data = () => join(dir.path, 'relay-data');

  it('a relay SIGKILLed in the middle of a 1,000-note burst from three senders, restarted on its folder, delivers every note exactly once', async () => {
    port = await freePort();
    let relay = await startRelay(data(), port);
    url = relay.url;
    await enrol(world, url);

    const burst = { a1: 334, a2: 333, a3: 333 };
    const receivers = RECEIVERS.map((r) => receiver(r, url, burst));
    const senders = SENDERS.map((s, k) => sender(s, url, `a${k + 1}`, Object.values(burst)[k] as number));
    const stored = () => senders.reduce((n, s) => n + s.ids('stored').size, 0);
    await waitFor(() => stored() >= 300, 60_000, '300 notes stored');

    expect(await relay.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const atKill = stored();
    expect(atKill).toBeLessThan(1000);
    // The senders keep composing into their outboxes while the relay is down.
    await new Promise((r) => setTimeout(r, 500));
    relay = await startRelay(data(), port);
    expect(relay.url).toBe(url);
    await Promise.all([...senders, ...receivers].map((p) => p.finished(90_000)));
    expect(relay.stderr()).toContain('"event":"relay_started"');

    const expected = Object.entries(burst).flatMap(([p, n]) => range(p, n));
    for (const r of RECEIVERS) expectExactlyOnce(await texts(world.officers[r], 'in'), expected, r);
    SENDERS.forEach((s, k) => expect(senders[k]?.ids('stored').size, s).toBeGreaterThan(0));
    for (const [k, s] of SENDERS.entries()) expectExactlyOnce(await texts(world.officers[s], 'out'), range(`a${k + 1}`, Object.values(burst)[k] as number), s);

    // At the relay: each note stored once (note ids are unique there), nothing left undelivered.
    const composed = senders.flatMap((s) => [...s.ids('composed')]);
    expect(new Set(composed).size).toBe(1000);
    const ids = new Set(relayRows(data(), 'SELECT id FROM note_ids').map((r) => String(r.id)));
    expect(composed.filter((id) => !ids.has(id))).toEqual([]);
    expect(relayRows(data(), 'SELECT count(*) AS n FROM mailbox')[0]?.n).toBe(0);

    // And the senders learn it: after a sync, every note is "delivered" to both receivers.
    for (const s of SENDERS) await ok(['sync', '--profile', world.officers[s].profile, '--relay', url]);
    const listing = JSON.parse((await ok(['messages', '--profile', world.officers.s1.profile, '--json'])).out) as { messages: { text: string; delivery?: { state: string }[] }[] };
    const a1 = listing.messages.filter((m) => m.text.startsWith('a1-'));
    expect(a1).toHaveLength(334);
    expect(new Set(a1.flatMap((m) => (m.delivery ?? []).map((d) => d.state)))).toEqual(new Set(['delivered']));
  }, 180_000);

  it('a sending client SIGKILLed mid-burst and restarted resumes its outbox: nothing lost, nothing duplicated', async () => {
    const receivers = RECEIVERS.map((r) => receiver(r, url, { k1: 300 }));
    const first = sender('s1', url, 'k1', 300);
    await first.until(() => first.ids('stored').size >= 60, 60_000, '60 notes stored');
    expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const composedBefore = first.count('composed');
    expect(first.ids('stored').size).toBeLessThan(300);

    const again = sender('s1', url, 'k1', 300);
    await Promise.all([again, ...receivers].map((p) => p.finished(90_000)));
    // The restart composed only what the killed process had not (one may have been committed unprinted).
    expect(again.count('composed')).toBeLessThanOrEqual(300 - composedBefore);
    expectExactlyOnce(await texts(world.officers.s1, 'out'), range('k1', 300), 's1');
    for (const r of RECEIVERS) expectExactlyOnce(await texts(world.officers[r], 'in'), range('k1', 300), r);
  }, 120_000);

  it('a relay that cannot write its data folder does not start; the sender keeps the note queued, and it goes once the folder is fixed', async () => {
    // As root, chmod does not stop a process: the relay runs as nobody (65534) instead.
    const asRoot = process.getuid?.() === 0;
    const user = asRoot ? { uid: 65534, gid: 65534 } : {};
    const base = join(dir.path, 'unwritable');
    mkdirSync(join(base, 'data'), { recursive: true });
    const cards = world.cards.map((c, i) => {
      const to = join(base, `card-${i}.json`);
      copyFileSync(c, to);
      chmodSync(to, 0o644);
      return to;
    });
    chmodSync(dir.path, 0o755);
    chmodSync(base, 0o755);
    chmodSync(join(base, 'data'), asRoot ? 0o755 : 0o555);
    const port3 = await freePort();
    const url3 = `ws://127.0.0.1:${port3}`;

    const failed = await startRelay(join(base, 'data'), port3, { ...user, cards, cwd: base }).then(
      () => null,
      (err: Error & { code?: number; stderr?: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('relay_storage_failed');

    const text = 'Sent while the relay could not write.';
    const sent = JSON.parse((await ok(['send', '--profile', world.officers.s3.profile, '--relay', url3, '--channel', world.channels.s3, '--label', MARKING, '--text', text, '--json'])).out) as { noteId: string; state: string; relay: { code?: string } };
    expect(sent).toMatchObject({ state: 'queued', relay: { reachable: false, code: 'relay_unreachable' } });

    if (asRoot) chownSync(join(base, 'data'), 65534, 65534);
    else chmodSync(join(base, 'data'), 0o700);
    const relay = await startRelay(join(base, 'data'), port3, { ...user, cards, cwd: base });
    const sync = JSON.parse((await ok(['sync', '--profile', world.officers.s3.profile, '--relay', url3, '--json'])).out) as { sent: { stored: string[] } };
    expect(sync.sent.stored).toEqual([sent.noteId]);
    for (const r of RECEIVERS) {
      await ok(['sync', '--profile', world.officers[r].profile, '--relay', url3]);
      expect((await texts(world.officers[r], 'in')).filter((t) => t === text)).toEqual([text]);
    }
    await relay.stop();
  }, 120_000);

  it('a relay whose disk is full answers relay_storage_failed, and nothing is marked stored at the sender that the relay did not commit', async () => {
    expect(hasPrlimit(), 'prlimit (util-linux) is needed to limit the relay\'s file size').toBe(true);
    const full = join(dir.path, 'relay-full');
    const port4 = await freePort();
    // Room for the schema, the logins and a few commits of the WAL, not for 200 notes.
    let relay = await startRelay(full, port4, { fsizeBytes: 320 * 1024 });
    const url4 = relay.url;
    // A steady stream (small commits), so that the disk fills part-way through it.
    const s2 = sender('s2', url4, 'f2', 200, 5);
    const refusedForStorage = () => s2.events.filter((e) => e.e === 'refused' && e.code === 'relay_storage_failed').length;
    await s2.until(() => refusedForStorage() > 0 && s2.count('stored') > 0 && s2.events.some((e) => e.e === 'composed_all'), 60_000, 'relay_storage_failed');
    expect(refusedForStorage()).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    await s2.kill('SIGKILL');
    await relay.stop('SIGKILL');
    expect(relay.stderr()).toContain('"event":"commit_failed"');

    // The sender's view (its profile) against the relay's database after the crash.
    const listing = JSON.parse((await ok(['messages', '--profile', world.officers.s2.profile, '--channel', world.channels.s2, '--json'])).out) as { messages: { noteId: string; text: string; delivery?: { state: string }[] }[] };
    const f2 = listing.messages.filter((m) => m.text.startsWith('f2-'));
    const storedAtSender = f2.filter((m) => (m.delivery ?? []).some((d) => d.state !== 'queued')).map((m) => m.noteId);
    const committed = new Set(relayRows(full, 'SELECT id FROM note_ids').map((r) => String(r.id)));
    expect(storedAtSender.length).toBeGreaterThan(0);
    expect(storedAtSender.length).toBeLessThan(f2.length);
    expect(storedAtSender.filter((id) => !committed.has(id))).toEqual([]);

    // Room again: the outbox resumes, and every note arrives once.
    relay = await startRelay(full, port4);
    const receivers = RECEIVERS.map((r) => receiver(r, url4, { f2: 200 }));
    const again = sender('s2', url4, 'f2', 200);
    await Promise.all([again, ...receivers].map((p) => p.finished(90_000)));
    expect(again.count('composed')).toBe(200 - f2.length);
    expectExactlyOnce(await texts(world.officers.s2, 'out'), range('f2', 200), 's2');
    for (const r of RECEIVERS) expectExactlyOnce(await texts(world.officers[r], 'in'), range('f2', 200), r);
    await relay.stop();
  }, 150_000);
});
