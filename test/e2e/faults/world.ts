import Database from '@signalapp/sqlcipher';
import { build } from 'esbuild';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { OFFICER_PASS, ok } from '../../helpers/cli';

/**
 * The small world of the delivery fault tests, set up with the `entente` commands (run in-process,
 * INTERACTIVE KDF): two agencies in partnership, three senders and two receivers, each sender with
 * its own channel to both receivers. And the processes the tests kill: peers (peer.ts) and relays.
 */

export const CLI = resolve('dist/cli/entente.js');
export const MARKING = 'NATO RESTRICTED';

export interface Officer {
  id: string;
  agency: 'gbr-mod' | 'fra-dgse';
  profile: string;
}

export const SENDERS = ['s1', 's2', 's3'] as const;
export const RECEIVERS = ['r1', 'r2'] as const;
export type OfficerName = (typeof SENDERS)[number] | (typeof RECEIVERS)[number];

export interface World {
  root: string;
  cards: string[];
  officers: Record<OfficerName, Officer>;
  /** The channel of each sender, with both receivers. */
  channels: Record<(typeof SENDERS)[number], string>;
}

const AGENCY_OF: Record<OfficerName, Officer['agency']> = { s1: 'gbr-mod', s2: 'gbr-mod', s3: 'fra-dgse', r1: 'gbr-mod', r2: 'fra-dgse' };

export async function buildWorld(root: string): Promise<World> {
  const p = (name: string) => join(root, name);
  const kdf = ['--kdf', 'interactive'];
  await ok(['agency', 'init', '--dir', p('gbr'), '--id', 'gbr-mod', '--name', 'UK MOD', '--country', 'GBR', '--policy', 'nato', ...kdf]);
  await ok(['agency', 'init', '--dir', p('fra'), '--id', 'fra-dgse', '--name', 'DGSE', '--country', 'FRA', '--policy', 'nato', ...kdf]);
  await ok(['agency', 'card', '--dir', p('gbr'), '--out', p('gbr.card.json')]);
  await ok(['agency', 'card', '--dir', p('fra'), '--out', p('fra.card.json')]);
  await ok(['agency', 'agree', '--dir', p('gbr'), '--partner', p('fra.card.json'), '--ceiling', 'NATO CONFIDENTIAL', '--out', p('agreement.json')]);
  await ok(['agency', 'countersign', '--dir', p('fra'), '--agreement', p('agreement.json'), '--partner', p('gbr.card.json'), '--out', p('agreement.json')]);
  const officers = {} as Record<OfficerName, Officer>;
  for (const id of [...SENDERS, ...RECEIVERS]) {
    const agency = AGENCY_OF[id];
    const profile = p(`profile-${id}`);
    await ok(['profile', 'init', '--profile', profile, '--officer-id', id, '--name', `Officer ${id}`, '--out', p(`${id}.req.json`), ...kdf]);
    await ok(['agency', 'issue', '--dir', p(agency === 'gbr-mod' ? 'gbr' : 'fra'), '--request', p(`${id}.req.json`), '--clearance', 'NATO SECRET', '--out', p(`${id}.cred.json`)]);
    await ok(['profile', 'import', '--profile', profile, p('gbr.card.json'), p('fra.card.json'), p('agreement.json'), p(`${id}.cred.json`)]);
    officers[id] = { id, agency, profile };
  }
  return { root, cards: [p('gbr.card.json'), p('fra.card.json')], officers, channels: { s1: '', s2: '', s3: '' } };
}

/** Every officer logs in once (publishing credential and prekey); each sender creates its channel. */
export async function enrol(world: World, url: string): Promise<void> {
  for (const o of Object.values(world.officers)) await ok(['sync', '--profile', o.profile, '--relay', url]);
  for (const s of SENDERS) {
    const members = RECEIVERS.map((r) => `${world.officers[r].agency}/${r}`).flatMap((m) => ['--member', m]);
    const created = JSON.parse((await ok(['channel', 'create', '--profile', world.officers[s].profile, '--relay', url, '--name', `Channel of ${s}`, ...members, '--json'])).out) as { channelId: string; state: string };
    if (created.state !== 'stored') throw new Error(`the channel of ${s} was not stored at the relay`);
    world.channels[s] = created.channelId;
  }
}

/** The texts of the notes `officer` holds in `direction` (`entente messages --json`). */
export async function texts(o: Officer, direction: 'in' | 'out'): Promise<string[]> {
  const listing = JSON.parse((await ok(['messages', '--profile', o.profile, '--json'])).out) as { messages: { direction: string; text: string }[] };
  return listing.messages.filter((m) => m.direction === direction).map((m) => m.text);
}

/** How many times each text appears. */
export function tally(list: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of list) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

export const range = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** A free TCP port on 127.0.0.1 (for a relay that must come back on the same address). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (address !== null && typeof address === 'object' ? res(address.port) : rej(new Error('no port'))));
    });
  });
}

/** Rows of the relay's database, read through a second connection (WAL recovery included). */
export function relayRows(dataDir: string, sql: string): Record<string, unknown>[] {
  const db = new Database(join(dataDir, 'relay.db'));
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

/** Bundles peer.ts (like scripts/bench.mjs does benchmarks) next to node_modules; returns the file. */
export async function bundlePeer(): Promise<string> {
  const outfile = resolve('.tsbuild/e2e/peer.mjs');
  mkdirSync(resolve('.tsbuild/e2e'), { recursive: true });
  await build({ entryPoints: [resolve('test/e2e/faults/peer.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' });
  return outfile;
}

export interface PeerEvent {
  e: string;
  id?: string;
  i?: number;
  code?: string;
  got?: number;
  total?: number;
  state?: string;
}

/** A peer process and the events it printed. */
export class PeerProcess {
  readonly events: PeerEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #err = '';
  #waiters = new Set<() => void>();

  private constructor(readonly child: ChildProcess) {
    let buffer = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        this.events.push(JSON.parse(buffer.slice(0, nl)) as PeerEvent);
        buffer = buffer.slice(nl + 1);
      }
      for (const w of this.#waiters) w();
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (this.#err += chunk));
    this.exited = new Promise((r) => child.once('exit', (code, signal) => (r({ code, signal }), this.#waiters.forEach((w) => w()))));
  }

  static start(bundle: string, args: string[], cwd: string): PeerProcess {
    return new PeerProcess(spawn(process.execPath, [bundle, ...args], { cwd, env: { ...process.env, ENTENTE_PASSPHRASE: OFFICER_PASS }, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get stderr(): string {
    return this.#err;
  }

  count(e: string): number {
    return this.events.filter((x) => x.e === e).length;
  }

  ids(e: string): Set<string> {
    return new Set(this.events.filter((x) => x.e === e && x.id !== undefined).map((x) => x.id as string));
  }

  get done(): boolean {
    return this.events.some((x) => x.e === 'done');
  }

  /** Resolves when `pred` holds; fails on exit without it or after `ms`. */
  until(pred: () => boolean, ms: number, what: string): Promise<void> {
    return new Promise((res, rej) => {
      const check = () => {
        if (pred()) return finish(() => res());
        if (this.child.exitCode !== null || this.child.signalCode !== null) return finish(() => rej(new Error(`the peer exited before ${what}: ${this.#err.slice(-800)}`)));
      };
      const timer = setTimeout(() => finish(() => rej(new Error(`timed out waiting for ${what} (last events: ${JSON.stringify(this.events.slice(-3))}) ${this.#err.slice(-500)}`))), ms);
      const finish = (f: () => void) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        f();
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Waits for "done" and a clean exit. */
  async finished(ms: number): Promise<void> {
    await this.until(() => this.done, ms, 'done');
    const { code } = await this.exited;
    if (code !== 0) throw new Error(`the peer exited ${String(code)}: ${this.#err.slice(-800)}`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<unknown> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
