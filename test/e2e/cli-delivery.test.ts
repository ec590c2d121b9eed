import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../helpers/tmp';

// Issue 6, "Done when": on one machine, with only the built `entente` command, one process at a time
// (the relay in the background): two agencies, a partnership, three officers and a relay; notes at
// four labels; each officer's `entente messages --json` shows exactly what clearance and agreement
// allow, each once. The README's walk-through runs exactly these commands.
const CLI = resolve('dist/cli/entente.js');
const ENV = { ...process.env, ENTENTE_AGENCY_PASSPHRASE: 'agency passphrase for tests', ENTENTE_PASSPHRASE: 'officer passphrase for tests' };
let dir: ReturnType<typeof tempDir>;
let relay: ChildProcess | null = null;
let url = '';
let channel = '';

function entente(args: string[], input?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir.path, encoding: 'utf8', env: ENV, ...(input === undefined ? {} : { input }) });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function ok(...args: string[]): string {
  const r = entente(args);
  expect(r.err, args.join(' ')).toBe('');
  expect(r.code, args.join(' ')).toBe(0);
  return r.out;
}

/** Starts `entente relay` in the background (its JSON log to a file) and returns the URL it prints. */
async function startRelay(): Promise<string> {
  const log = openSync(join(dir.path, 'relay.log'), 'a');
  const child = spawn(process.execPath, [CLI, 'relay', '--listen', '127.0.0.1:0', '--data', 'relay-data', '--trust', 'gbr.card.json', '--trust', 'fra.card.json'], { cwd: dir.path, env: ENV, stdio: ['ignore', 'pipe', log] });
  closeSync(log);
  relay = child;
  return new Promise((resolvePromise, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined) resolvePromise(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`the relay exited (${String(code)}): ${readFileSync(join(dir.path, 'relay.log'), 'utf8').slice(-500)}`)));
  });
}

async function stopRelay(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const child = relay;
  if (child === null) throw new Error('no relay');
  relay = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  child.kill('SIGTERM');
  return exited;
}

interface Message {
  noteId: string;
  channel: { id: string; name: string };
  sender: { agency: string; officerId: string };
  direction: 'in' | 'out';
  label: { policyId: string; classification: number; categories: unknown[] };
  marking: string;
  text: string;
  delivery?: { agency: string; officerId: string; state: string }[];
}
const messages = (officer: string): { messages: Message[]; unreadable: unknown[] } => JSON.parse(ok('messages', '--profile', officer, '--json')) as { messages: Message[]; unreadable: unknown[] };
const texts = (officer: string): string[] => messages(officer).messages.map((m) => m.text);

beforeAll(() => {
  expect(existsSync(CLI), 'run `npm run build` first').toBe(true);
  dir = tempDir();
});
afterAll(async () => {
  if (relay !== null) await stopRelay();
  dir.remove();
});

const NOTES = {
  unclassified: 'Meeting moved to 10:00.',
  restricted: 'Bring the visitor list.',
  confidential: 'The source is reliable.',
  secret: 'UK eyes: the operation starts Monday.',
  reply: 'Noted, see you at ten.',
};

describe('entente: two agencies, three officers, one relay', () => {
  it('sets up the agencies, the partnership and three officers of different clearances', () => {
    const kdf = ['--kdf', 'interactive'];
    ok('agency', 'init', '--dir', 'gbr', '--id', 'gbr-mod', '--name', 'UK MOD', '--country', 'GBR', '--policy', 'nato', ...kdf);
    ok('agency', 'init', '--dir', 'fra', '--id', 'fra-dgse', '--name', 'DGSE', '--country', 'FRA', '--policy', 'nato', ...kdf);
    ok('agency', 'card', '--dir', 'gbr', '--out', 'gbr.card.json');
    ok('agency', 'card', '--dir', 'fra', '--out', 'fra.card.json');
    ok('agency', 'agree', '--dir', 'gbr', '--partner', 'fra.card.json', '--ceiling', 'NATO CONFIDENTIAL', '--out', 'agreement.json');
    ok('agency', 'countersign', '--dir', 'fra', '--agreement', 'agreement.json', '--partner', 'gbr.card.json', '--out', 'agreement.json');
    for (const [officer, agency, clearance] of [
      ['alice', 'gbr', 'NATO SECRET'],
      ['carol', 'gbr', 'COSMIC TOP SECRET'],
      ['bob', 'fra', 'NATO RESTRICTED'],
    ] as const) {
      ok('profile', 'init', '--profile', officer, '--officer-id', officer, '--name', `Officer ${officer}`, '--out', `${officer}.req.json`, ...kdf);
      ok('agency', 'issue', '--dir', agency, '--request', `${officer}.req.json`, '--clearance', clearance, '--out', `${officer}.cred.json`);
      ok('profile', 'import', '--profile', officer, 'gbr.card.json', 'fra.card.json', 'agreement.json', `${officer}.cred.json`);
    }
  });

  it('starts a relay, and each officer logs in once to publish their keys', async () => {
    url = await startRelay();
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    for (const officer of ['alice', 'carol', 'bob']) ok('sync', '--profile', officer, '--relay', url);
  });

  it('creates a channel and sends notes at four labels; the preview names who is withheld and why', () => {
    const created = JSON.parse(ok('channel', 'create', '--profile', 'alice', '--relay', url, '--name', 'Liaison', '--member', 'carol', '--member', 'fra-dgse/bob', '--json')) as { channelId: string; state: string; withheld: unknown[] };
    expect(created).toMatchObject({ state: 'stored', withheld: [] });
    channel = created.channelId;
    const send = (marking: string, text: string) =>
      JSON.parse(ok('send', '--profile', 'alice', '--relay', url, '--channel', channel, '--label', marking, '--text', text, '--json')) as { state: string; recipients: { officerId: string }[]; withheld: { officer: { officerId: string }; reasons: { code: string }[] }[] };
    const u = send('NATO UNCLASSIFIED', NOTES.unclassified);
    expect(u.recipients.map((r) => r.officerId)).toEqual(['bob', 'carol']);
    send('NATO RESTRICTED', NOTES.restricted);
    const c = send('NATO CONFIDENTIAL', NOTES.confidential);
    // Above bob's clearance, within the partnership's ceiling.
    expect(c.withheld.map((w) => [w.officer.officerId, w.reasons.map((r) => r.code)])).toEqual([['bob', ['classification_not_cleared']]]);
    const s = send('NATO SECRET', NOTES.secret);
    // Above the partnership's ceiling.
    expect(s.withheld[0]?.reasons.map((r) => r.code)).toContain('above_ceiling');
    expect(s.recipients.map((r) => r.officerId)).toEqual(['carol']);
    expect(s.state).toBe('stored');

    ok('sync', '--profile', 'bob', '--relay', url);
    const reply = entente(['send', '--profile', 'bob', '--relay', url, '--channel', channel, '--label', 'NATO RESTRICTED', '--text', '-'], `${NOTES.reply}\n`);
    expect(reply.code, reply.err).toBe(0);
    expect(reply.out).toContain('stored at the relay');
  });

  it('after a sync, each officer\'s messages are exactly what clearance and agreement allow, each once', () => {
    for (const officer of ['alice', 'carol', 'bob', 'alice']) ok('sync', '--profile', officer, '--relay', url);
    const all = [NOTES.unclassified, NOTES.restricted, NOTES.confidential, NOTES.secret, NOTES.reply];
    expect(texts('alice')).toEqual(all);
    expect(texts('carol')).toEqual(all);
    expect(texts('bob')).toEqual([NOTES.unclassified, NOTES.restricted, NOTES.reply]);

    const bob = messages('bob');
    expect(bob.unreadable).toEqual([]);
    expect(bob.messages.map((m) => m.marking)).toEqual(['NATO UNCLASSIFIED', 'NATO RESTRICTED', 'NATO RESTRICTED']);
    expect(bob.messages[2]).toMatchObject({ direction: 'out', sender: { agency: 'fra-dgse', officerId: 'bob' }, channel: { id: channel, name: 'Liaison' } });
    const alice = messages('alice').messages;
    expect(alice[3]).toMatchObject({ direction: 'out', marking: 'NATO SECRET', label: { classification: 4, categories: [] }, delivery: [{ agency: 'gbr-mod', officerId: 'carol', state: 'delivered' }] });
    expect(alice[4]).toMatchObject({ direction: 'in', sender: { agency: 'fra-dgse', officerId: 'bob' } });

    // Syncing again brings nothing twice.
    for (const officer of ['alice', 'carol', 'bob']) ok('sync', '--profile', officer, '--relay', url);
    expect(texts('carol')).toEqual(all);
    expect(texts('bob')).toHaveLength(3);
    expect(messages('bob').messages.map((m) => m.marking)).toEqual(['NATO UNCLASSIFIED', 'NATO RESTRICTED', 'NATO RESTRICTED']);
    expect(JSON.stringify(messages('bob'))).not.toContain(NOTES.secret);
  });

  it('stops the relay on SIGTERM with exit 0; a note sent meanwhile is queued and goes at the next sync', async () => {
    expect(await stopRelay()).toEqual({ code: 0, signal: null });
    const log = readFileSync(join(dir.path, 'relay.log'), 'utf8');
    expect(log).toContain('"event":"relay_stopped"');
    for (const text of Object.values(NOTES)) expect(log).not.toContain(text);

    const queued = entente(['send', '--profile', 'alice', '--relay', url, '--channel', channel, '--label', 'NATO RESTRICTED', '--text', 'Sent while the relay was down.', '--json']);
    expect(queued.code, queued.err).toBe(0);
    expect(JSON.parse(queued.out)).toMatchObject({ state: 'queued', relay: { reachable: false, code: 'relay_unreachable' } });
    const down = entente(['sync', '--profile', 'bob', '--relay', url]);
    expect(down.code).toBe(1);
    expect(down.err.trim().split('\n')).toEqual([expect.stringContaining('(relay_unreachable)')]);

    url = await startRelay();
    const sync = JSON.parse(ok('sync', '--profile', 'alice', '--relay', url, '--json')) as { sent: { stored: string[] } };
    expect(sync.sent.stored).toHaveLength(1);
    ok('sync', '--profile', 'bob', '--relay', url);
    expect(texts('bob')).toEqual([NOTES.unclassified, NOTES.restricted, NOTES.reply, 'Sent while the relay was down.']);
    expect(await stopRelay()).toEqual({ code: 0, signal: null });
  });
});
