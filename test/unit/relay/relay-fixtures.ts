import Database from '@signalapp/sqlcipher';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import WebSocket from 'ws';
import { canonicalJson } from '../../../shared/labels/canonical-json';
import { ServerFrame, type OfficerRef } from '../../../shared/wire/relay-frames';
import { randomBytes, signDetached, signKeyPair, sodiumReady, type KeyPair } from '../../../main/crypto/sodium';
import { relayAuthMessage } from '../../../main/transport/relay-auth';
import { fromBase64url, toBase64url } from '../../../main/trust/base64url';
import { AgencyCard, Credential, RevocationList, SignedPrekey, type AgencyCardBody, type CredentialBody } from '../../../main/trust/objects';
import { createSigned, encodeSigned, type Signed } from '../../../main/trust/signed';
import { startRelay, type RelayOptions, type RunningRelay } from '../../../relay/server';
import { jsonLineLogger } from '../../../relay/log';
import { NATO, seeded } from '../../helpers/trust-fixtures';
import { tempDir } from '../../helpers/tmp';

/** Agencies, officers, envelopes and raw connections for the relay tests. Seeded keys only. */

export const T0 = Date.parse('2026-03-02T09:00:00Z');
export const DAY = 86_400_000;

export interface TestAgency {
  id: string;
  root: KeyPair;
  card: Signed<AgencyCardBody>;
}

export interface TestOfficer extends OfficerRef {
  serial: number;
  keys: KeyPair;
  credential: Signed<CredentialBody>;
  text: string;
}

export function makeAgency(id: string, seed: number): TestAgency {
  const root = signKeyPair(seeded(seed));
  const body: AgencyCardBody = { id, name: `Agency ${id}`, country: 'FRA', rootKey: toBase64url(root.publicKey), policies: [NATO], created: '2026-01-05T09:00:00Z' };
  return { id, root, card: createSigned(AgencyCard, body, 'root', root.secretKey) };
}

export function makeOfficer(agency: TestAgency, officerId: string, seed: number, options: { serial?: number; notBefore?: string; notAfter?: string; signer?: KeyPair } = {}): TestOfficer {
  const keys = signKeyPair(seeded(seed));
  const body: CredentialBody = {
    serial: options.serial ?? seed,
    agency: agency.id,
    officerId,
    name: `Officer ${officerId}`,
    nationality: 'FRA',
    clearance: { policyId: NATO, classifications: [1, 2, 3, 4], categories: [] },
    identityKey: toBase64url(keys.publicKey),
    agreementKey: toBase64url(signKeyPair(seeded(seed + 100)).publicKey),
    notBefore: options.notBefore ?? '2026-01-06T00:00:00Z',
    notAfter: options.notAfter ?? '2027-01-06T00:00:00Z',
  };
  const credential = createSigned(Credential, body, 'issuer', (options.signer ?? agency.root).secretKey);
  return { agency: agency.id, officerId, serial: body.serial, keys, credential, text: encodeSigned(credential) };
}

/**
 * The agencies and officers the relay tests share: the relay trusts fr and uk, never rogue. Seeded, so
 * every file has the same keys; an officer a single test needs is made there.
 */
export interface RelayCast {
  fr: TestAgency;
  uk: TestAgency;
  rogue: TestAgency;
  alice: TestOfficer;
  bob: TestOfficer;
  carol: TestOfficer;
}

export async function relayCast(): Promise<RelayCast> {
  await sodiumReady();
  const fr = makeAgency('fr-dgsi', 1);
  const uk = makeAgency('uk-demo', 2);
  return { fr, uk, rogue: makeAgency('xx-rogue', 9), alice: makeOfficer(fr, 'alice', 11), bob: makeOfficer(uk, 'bob', 12), carol: makeOfficer(uk, 'carol', 13) };
}

export function makeCrl(agency: TestAgency, sequence: number, serials: number[]): string {
  return encodeSigned(createSigned(RevocationList, { agency: agency.id, sequence, issued: '2026-02-01T08:00:00Z', serials: [...serials].sort((a, b) => a - b) }, 'issuer', agency.root.secretKey));
}

export function makePrekey(officer: TestOfficer, prekeyId: number, options: { created?: string; expires?: string; signer?: KeyPair; identityKey?: string } = {}): string {
  const body = {
    agency: officer.agency,
    officerId: officer.officerId,
    identityKey: options.identityKey ?? toBase64url(officer.keys.publicKey),
    prekeyId,
    key: toBase64url(signKeyPair(seeded(prekeyId + 50)).publicKey),
    created: options.created ?? '2026-03-01T09:00:00Z',
    expires: options.expires ?? '2026-03-08T09:00:00Z',
  };
  return encodeSigned(createSigned(SignedPrekey, body, 'identity', (options.signer ?? officer.keys).secretKey));
}

export const newNoteId = (): string => toBase64url(randomBytes(16));

/**
 * An envelope with the binary layout of specs/ENVELOPE.md and a plausible clear header; the
 * ciphertext and signature are random bytes (the relay never opens them).
 */
export function makeEnvelope(id: string, sender: TestOfficer, recipients: readonly OfficerRef[], options: { bodyBytes?: number; label?: unknown } = {}): Uint8Array {
  const sorted = [...recipients].sort((a, b) => (`${a.agency}/${a.officerId}` < `${b.agency}/${b.officerId}` ? -1 : 1));
  const header = {
    channel: toBase64url(new Uint8Array(16).fill(9)),
    commit: toBase64url(new Uint8Array(32).fill(1)),
    eph: toBase64url(new Uint8Array(32).fill(2)),
    id,
    kind: 'note',
    label: options.label ?? { policyId: NATO, classification: 3, categories: [] },
    recipients: sorted.map((r, i) => ({ agency: r.agency, officerId: r.officerId, prekeyId: i + 1, wrapped: toBase64url(new Uint8Array(48).fill(3)) })),
    sender: { agency: sender.agency, officerId: sender.officerId, serial: sender.serial },
    seq: 1,
    suite: 'x25519-blake2b-xchacha20poly1305-ed25519',
    time: '2026-03-02T09:00:00.000Z',
    v: 1,
  };
  const h = new TextEncoder().encode(canonicalJson(header));
  const c = options.bodyBytes ?? 256 + 16;
  const out = new Uint8Array(77 + h.length + c);
  out.set([0x45, 0x4e, 0x54, 0x45, 1], 0);
  const view = new DataView(out.buffer);
  view.setUint32(5, h.length);
  out.set(h, 9);
  view.setUint32(9 + h.length, c);
  out.set(randomBytes(c), 13 + h.length);
  out.set(randomBytes(64), 13 + h.length + c);
  return out;
}

export interface TestRelay {
  relay: RunningRelay;
  dataDir: string;
  logs: string[];
  clock: { now: number };
  restart(extra?: Partial<RelayOptions>): Promise<RunningRelay>;
  stop(): Promise<void>;
}

/** A real relay on 127.0.0.1 with a temp data folder; `clock.now` drives validity and retention. */
export async function startTestRelay(agencies: readonly TestAgency[], extra: Partial<RelayOptions> = {}): Promise<TestRelay> {
  await sodiumReady();
  const dir = tempDir('entente-relay-');
  const logs: string[] = [];
  const clock = { now: T0 };
  const options = (more: Partial<RelayOptions>): RelayOptions => ({
    host: '127.0.0.1',
    port: 0,
    dataDir: join(dir.path, 'data'),
    trustCards: agencies.map((a) => a.card),
    logger: jsonLineLogger((line) => void logs.push(line), 'debug'),
    now: () => clock.now,
    ...extra,
    ...more,
  });
  const t: TestRelay = {
    relay: await startRelay(options({})),
    dataDir: join(dir.path, 'data'),
    logs,
    clock,
    async restart(more = {}) {
      await t.relay.close();
      t.relay = await startRelay(options({ port: t.relay.port, ...more }));
      return t.relay;
    },
    async stop() {
      await t.relay.close();
      dir.remove();
    },
  };
  return t;
}

/** Reads whichever relay `current` gives, so a file can hold one handle while each test gets its own relay. */
function relayHandle(current: () => TestRelay): TestRelay {
  return {
    get relay() {
      return current().relay;
    },
    get dataDir() {
      return current().dataDir;
    },
    get logs() {
      return current().logs;
    },
    get clock() {
      return current().clock;
    },
    restart: (more) => current().restart(more),
    stop: () => current().stop(),
  };
}

/** Registers the hooks that start a relay before each test of the file (`each`) or once for all (`all`), and stop it after. */
function hookedRelay(scope: 'each' | 'all', agencies: readonly TestAgency[], extra: Partial<RelayOptions>): TestRelay {
  let running: TestRelay | null = null;
  const [before, after] = scope === 'each' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    running = await startTestRelay(agencies, extra);
  });
  after(async () => {
    await running?.stop();
    running = null;
  });
  return relayHandle(() => {
    if (running === null) throw new Error('the test relay runs only while the tests of its file do');
    return running;
  });
}

/** A fresh relay for every test of the file (call at the top level of the file). */
export const relayForEachTest = (agencies: readonly TestAgency[], extra: Partial<RelayOptions> = {}): TestRelay => hookedRelay('each', agencies, extra);

/** One relay shared by all the tests of the file (call at the top level of the file). */
export const relayForAllTests = (agencies: readonly TestAgency[], extra: Partial<RelayOptions> = {}): TestRelay => hookedRelay('all', agencies, extra);

export type Frame = ServerFrame;

/** A raw WebSocket peer that records every frame the relay sends, for protocol-level tests. */
export class Peer {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number }>;
  #waiters: (() => void)[] = [];
  #seen = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const parsed = ServerFrame.safeParse(JSON.parse(String(data)));
      if (!parsed.success) throw new Error(`relay sent an invalid frame: ${String(data).slice(0, 200)}`);
      this.frames.push(parsed.data);
      for (const w of this.#waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => (resolve({ code }), this.#waiters.splice(0).forEach((w) => w()))));
  }

  static open(url: string): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const peer = new Peer(ws);
      ws.once('open', () => resolve(peer));
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame (after those already taken) matching `pred`, within `ms`. */
  async next<T extends Frame['type']>(type: T, pred: (f: Extract<Frame, { type: T }>) => boolean = () => true, ms = 5000): Promise<Extract<Frame, { type: T }>> {
    const deadline = Date.now() + ms;
    for (;;) {
      for (let i = this.#seen; i < this.frames.length; i++) {
        const f = this.frames[i] as Frame;
        if (f.type === type && pred(f as Extract<Frame, { type: T }>)) {
          this.#seen = i + 1;
          return f as Extract<Frame, { type: T }>;
        }
      }
      if (Date.now() > deadline || this.ws.readyState === WebSocket.CLOSED) throw new Error(`no ${type} frame (got ${this.frames.map((f) => f.type).join(', ')})`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }

  /** Frames of `type` received so far. */
  all<T extends Frame['type']>(type: T): Extract<Frame, { type: T }>[] {
    return this.frames.filter((f) => f.type === type) as Extract<Frame, { type: T }>[];
  }

  close(): void {
    this.ws.close();
  }
}

/** The auth frame for `officer` answering `challenge`. */
export function authFrame(officer: TestOfficer, nonce: string, relayId: string, credentialText = officer.text): { type: 'auth'; credential: string; signature: string } {
  const message = relayAuthMessage(fromBase64url(nonce) as Uint8Array, relayId);
  return { type: 'auth', credential: credentialText, signature: toBase64url(signDetached(message, officer.keys.secretKey)) };
}

/** Opens a connection and waits for the one-time challenge the relay sends before anything else. */
export async function challenged(relay: RunningRelay): Promise<{ peer: Peer; challenge: Extract<Frame, { type: 'challenge' }> }> {
  const peer = await Peer.open(relay.wsUrl);
  return { peer, challenge: await peer.next('challenge') };
}

/** Opens a connection and logs in; returns the peer once 'ready'. */
export async function login(relay: RunningRelay, officer: TestOfficer): Promise<Peer> {
  const { peer, challenge } = await challenged(relay);
  peer.send(authFrame(officer, challenge.nonce, challenge.relay));
  await peer.next('ready');
  return peer;
}

export const ref = (o: OfficerRef): OfficerRef => ({ agency: o.agency, officerId: o.officerId });

export function sendFrame(id: string, from: TestOfficer, to: readonly OfficerRef[], envelope?: Uint8Array) {
  return { type: 'send', id, to: to.map(ref), envelope: toBase64url(envelope ?? makeEnvelope(id, from, to)) };
}

/** Runs `sql` on the relay's database through a second connection (WAL lets it read while the relay runs). */
export function inspect(dataDir: string, sql: string, params: (string | number)[] = []): Record<string, unknown>[] {
  const db = new Database(join(dataDir, 'relay.db'));
  try {
    return db.prepare(sql).all(params);
  } finally {
    db.close();
  }
}

export const countRows = (dataDir: string, table: string): number => Number(inspect(dataDir, `SELECT count(*) AS n FROM ${table}`)[0]?.n);
