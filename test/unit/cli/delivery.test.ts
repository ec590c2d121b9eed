import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { openKeystore } from '../../../main/identity/keystore';
import { passphraseBytes } from '../../../main/identity/passphrase';
import { loadTrustCards, silentLogger, startRelay, type RunningRelay } from '../../../relay/server';
import { parseListen } from '../../../cli/commands/relay';
import { tempDir } from '../../helpers/tmp';
import { OFFICER_PASS, cli, newAgency, newOfficer, ok } from '../../helpers/cli';

/**
 * The delivery commands (channel create, send, sync, messages, relay) in process, against a real relay
 * on 127.0.0.1: how they are called wrongly, what they refuse and with which code, and a relay that
 * cannot be reached. The whole walk-through with child processes is test/e2e/cli-delivery.test.ts.
 */
let tmp: ReturnType<typeof tempDir>;
let relay: RunningRelay;
let url: string;
let alice: string;
let bob: string;
let channel: string;
let deadUrl: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Notes and outbox rows of a profile, read directly: a refused command must leave them as they were. */
async function held(profile: string): Promise<{ notes: number; outbox: number; channels: number }> {
  const p = await openKeystore(profile, { onWarning: () => {} }).unlock(passphraseBytes(OFFICER_PASS));
  try {
    const count = (table: string) => Number(p.db.connection.prepare(`SELECT count(*) FROM ${table}`, { pluck: true }).get());
    return { notes: count('notes'), outbox: count('outbox'), channels: count('channels') };
  } finally {
    p.lock();
  }
}

/** The one line the refusal printed, for what the caller checks beyond its code. */
async function refused(args: string[], code: string, exit = 1): Promise<string> {
  const r = await cli(args);
  expect(r.code, r.err).toBe(exit);
  expect(r.err.split('\n')).toHaveLength(1);
  expect(r.err).toContain(exit === 1 ? `(${code})` : code);
  expect(r.out).toBe('');
  return r.err;
}

beforeAll(async () => {
  tmp = tempDir();
  const gbr = await newAgency(tmp.path, 'gbr-mod', 'GBR');
  const fra = await newAgency(tmp.path, 'fra-dgse', 'FRA');
  const agreement = join(tmp.path, 'agreement.json');
  await ok(['agency', 'agree', '--dir', gbr.dir, '--partner', fra.card, '--ceiling', 'NATO CONFIDENTIAL', '--out', agreement]);
  await ok(['agency', 'countersign', '--dir', fra.dir, '--agreement', agreement, '--partner', gbr.card, '--out', agreement]);
  const enrol = async (id: string, agency: { dir: string }, clearance: string) => {
    const o = await newOfficer(tmp.path, id);
    const cred = join(tmp.path, `${id}.cred.json`);
    await ok(['agency', 'issue', '--dir', agency.dir, '--request', o.request, '--clearance', clearance, '--out', cred]);
    await ok(['profile', 'import', '--profile', o.profile, gbr.card, fra.card, agreement, cred]);
    return o.profile;
  };
  alice = await enrol('alice', gbr, 'NATO SECRET');
  bob = await enrol('bob', fra, 'NATO SECRET');
  relay = await startRelay({ host: '127.0.0.1', port: 0, dataDir: join(tmp.path, 'relay'), trustCards: loadTrustCards([gbr.card, fra.card]), logger: silentLogger });
  url = relay.wsUrl;
  deadUrl = `ws://127.0.0.1:${await freePort()}`;
  await ok(['sync', '--profile', alice, '--relay', url]);
  await ok(['sync', '--profile', bob, '--relay', url]);
  channel = (JSON.parse((await ok(['channel', 'create', '--profile', alice, '--relay', url, '--name', 'Desk', '--member', 'bob', '--json'])).out) as { channelId: string }).channelId;
}, 60_000);
afterAll(async () => {
  await relay?.close();
  tmp?.remove();
});

describe('entente relay | channel create | send | sync | messages: how they are called', () => {
  it('every command has --help with its usage', async () => {
    for (const path of [['relay'], ['channel', 'create'], ['send'], ['sync'], ['messages']]) {
      const r = await cli([...path, '--help']);
      expect(r.code).toBe(0);
      expect(r.out.split('\n')[0]).toMatch(new RegExp(`^entente ${path.join(' ')} `));
    }
  });

  it('a missing or malformed option is a usage error (exit 2, one line)', async () => {
    await refused(['send', '--profile', alice, '--channel', channel, '--label', 'NATO RESTRICTED', '--text', 'x'], '--relay is required', 2);
    await refused(['send', '--profile', alice, '--relay', url, '--label', 'NATO RESTRICTED', '--text', 'x'], '--channel is required', 2);
    await refused(['send', '--profile', alice, '--relay', url, '--channel', channel, '--text', 'x'], '--label is required', 2);
    await refused(['send', '--profile', alice, '--relay', url, '--channel', channel, '--label', 'NATO RESTRICTED'], '--text is required', 2);
    await refused(['send', '--profile', alice, '--relay', 'http://127.0.0.1:1', '--channel', channel, '--label', 'NATO RESTRICTED', '--text', 'x'], 'ws:// or wss://', 2);
    await refused(['channel', 'create', '--profile', alice, '--relay', url, '--name', 'X'], 'at least one --member', 2);
    await refused(['channel', 'create', '--profile', alice, '--relay', url, '--name', ' X', '--member', 'bob'], '--name', 2);
    await refused(['channel', 'create', '--profile', alice, '--relay', url, '--name', 'X', '--member', 'a/b/c'], 'agency/officer', 2);
    await refused(['channel', 'create', '--profile', alice, '--relay', url, '--name', 'X', '--member', 'Bob Smith'], 'agency/officer', 2);
    await refused(['sync', '--profile', alice, '--relay', url, '--wait', '-1'], '--wait', 2);
    await refused(['sync', '--profile', alice, '--relay', url, '--wait', 'soon'], '--wait', 2);
    await refused(['sync', '--profile', alice], '--relay is required', 2);
    await refused(['messages', '--json'], '--profile is required', 2);
    await refused(['messages', '--profile', alice, '--lang', 'de', '--json'], '--lang', 2);
    await refused(['relay', '--data', tmp.path, '--trust', 'x.json'], '--listen is required', 2);
    await refused(['relay', '--listen', '127.0.0.1:0', '--data', tmp.path], 'at least one --trust', 2);
    await refused(['relay', '--listen', 'localhost', '--data', tmp.path, '--trust', 'x.json'], 'HOST:PORT', 2);
    await refused(['relay', '--listen', '127.0.0.1:0', '--data', tmp.path, '--trust', join(tmp.path, 'missing.card.json')], 'file_unreadable');
    await refused(['send', '--profile', alice, '--relay', url, '--bogus'], 'Unknown option', 2);
  });

  it('--listen reads HOST:PORT and [IPv6]:PORT, nothing else', () => {
    expect(parseListen('127.0.0.1:7443')).toEqual({ host: '127.0.0.1', port: 7443 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListen('relay.example:80')).toEqual({ host: 'relay.example', port: 80 });
    for (const bad of ['127.0.0.1', ':80', '127.0.0.1:65536', '::1:80', '[::1]', 'a b:1', '127.0.0.1:-1', '127.0.0.1:80:80']) expect(() => parseListen(bad), bad).toThrow();
  });
});

describe('entente send | channel create refuse, and change nothing', () => {
  it('an unknown or ambiguous marking, with its code', async () => {
    const before = await held(alice);
    await refused(['send', '--profile', alice, '--relay', url, '--channel', channel, '--label', 'NATO SUPER SECRET', '--text', 'x'], 'marking_unknown_token');
    await refused(['send', '--profile', alice, '--relay', url, '--channel', channel, '--label', 'SECRET', '--text', 'x'], 'marking_ambiguous');
    expect(await held(alice)).toEqual(before);
  });

  it("a marking one of the profile's policies recognises, with that policy's reason whichever policy comes first", async () => {
    const before = await held(alice);
    const send = (label: string, code: string) => refused(['send', '--profile', alice, '--relay', url, '--channel', channel, '--label', label, '--text', 'x'], code);
    // The profile holds NATO first: its "unknown token" for these must not hide what EU or UK-DEMO found.
    expect(await send('EU ULTRA', 'marking_unknown_token')).toContain('"ULTRA"');
    expect(await send('SECRET UK EYES ONLY', 'label_malformed')).toContain('UK-DEMO writes its lists');
    expect(await send('NATO SECRET REL TO FRA, FRA', 'label_malformed')).toContain('names FRA twice');
    expect(await held(alice)).toEqual(before);
  });

  it('an unknown channel, a label the sender is not cleared for, a label nobody may receive', async () => {
    const before = await held(alice);
    await refused(['send', '--profile', alice, '--relay', url, '--channel', 'no-such-channel', '--label', 'NATO RESTRICTED', '--text', 'x'], 'channel_unknown');
    await refused(['send', '--profile', alice, '--relay', url, '--channel', channel, '--label', 'COSMIC TOP SECRET', '--text', 'x'], 'sender_not_cleared');
    // bob is cleared for SECRET, but the partnership's ceiling is CONFIDENTIAL.
    await refused(['send', '--profile', alice, '--relay', url, '--channel', channel, '--label', 'NATO SECRET', '--text', 'x'], 'no_eligible_recipient');
    expect(await held(alice)).toEqual(before);
  });

  it('an unknown member, named either way, even after reading the directory', async () => {
    const before = await held(alice);
    await refused(['channel', 'create', '--profile', alice, '--relay', url, '--name', 'X', '--member', 'nobody'], 'channel_member_unknown');
    await refused(['channel', 'create', '--profile', alice, '--relay', url, '--name', 'X', '--member', 'fra-dgse/nobody'], 'channel_member_unknown');
    await refused(['channel', 'create', '--profile', alice, '--relay', url, '--name', 'X', '--member', 'xx-unknown/bob'], 'channel_member_unknown');
    expect(await held(alice)).toEqual(before);
  });

  it('messages for an unknown channel', async () => {
    await refused(['messages', '--profile', alice, '--channel', 'no-such-channel', '--json'], 'channel_unknown');
  });
});

describe('an unreachable relay', () => {
  it('send: the note is stored and queued (exit 0), and the next sync sends it; bob reads it once', async () => {
    const before = await held(alice);
    const r = await cli(['send', '--profile', alice, '--relay', deadUrl, '--channel', channel, '--label', 'NATO RESTRICTED', '--text', 'queued while offline', '--json']);
    expect(r.code, r.err).toBe(0);
    const sent = JSON.parse(r.out) as { noteId: string; state: string; relay: { reachable: boolean; code: string }; recipients: unknown[] };
    expect(sent).toMatchObject({ state: 'queued', relay: { reachable: false, code: 'relay_unreachable' }, recipients: [{ agency: 'fra-dgse', officerId: 'bob' }] });
    const after = await held(alice);
    expect(after).toEqual({ ...before, notes: before.notes + 1, outbox: before.outbox + 1 });
    const text = await cli(['send', '--profile', alice, '--relay', deadUrl, '--channel', channel, '--label', 'NATO RESTRICTED', '--text', 'queued again']);
    expect(text.out).toContain('queued');

    const synced = JSON.parse((await ok(['sync', '--profile', alice, '--relay', url, '--json'])).out) as { sent: { stored: string[] } };
    expect(synced.sent.stored).toContain(sent.noteId);
    expect(synced.sent.stored).toHaveLength(2);
    await ok(['sync', '--profile', bob, '--relay', url]);
    await ok(['sync', '--profile', bob, '--relay', url]);
    const listing = JSON.parse((await ok(['messages', '--profile', bob, '--json'])).out) as { messages: { noteId: string; text: string; direction: string }[] };
    expect(listing.messages.filter((m) => m.noteId === sent.noteId)).toEqual([expect.objectContaining({ text: 'queued while offline', direction: 'in' })]);
    expect(listing.messages.map((m) => m.text)).toEqual(['queued while offline', 'queued again']);
  });

  it('channel create: queued too, with the members and prekeys the profile already holds', async () => {
    const r = await cli(['channel', 'create', '--profile', alice, '--relay', deadUrl, '--name', 'Offline desk', '--member', 'fra-dgse/bob', '--json']);
    expect(r.code, r.err).toBe(0);
    const created = JSON.parse(r.out) as { channelId: string; state: string; noteId: string };
    expect(created.state).toBe('queued');
    const synced = JSON.parse((await ok(['sync', '--profile', alice, '--relay', url, '--json'])).out) as { sent: { stored: string[] } };
    expect(synced.sent.stored).toEqual([created.noteId]);
  });

  it('sync: exit 1 with relay_unreachable, in one line', async () => {
    await refused(['sync', '--profile', alice, '--relay', deadUrl], 'relay_unreachable');
  });
});

describe('entente sync --wait', () => {
  it('keeps listening: a note sent meanwhile is taken in the same run', async () => {
    await ok(['sync', '--profile', bob, '--relay', url]);
    const listening = cli(['sync', '--profile', bob, '--relay', url, '--wait', '5', '--json']);
    await new Promise((r) => setTimeout(r, 700));
    const sent = JSON.parse((await ok(['send', '--profile', alice, '--relay', url, '--channel', channel, '--label', 'NATO CONFIDENTIAL', '--text', 'while bob listens', '--json'])).out) as { state: string };
    expect(sent.state).toBe('stored');
    const r = await listening;
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { received: { stored: number } }).received.stored).toBe(1);
  });
});

describe('entente messages', () => {
  it('lists outgoing notes with their delivery per recipient, and the text form prints each note', async () => {
    await ok(['sync', '--profile', alice, '--relay', url]);
    const listing = JSON.parse((await ok(['messages', '--profile', alice, '--channel', channel, '--json'])).out) as { messages: { direction: string; delivery?: unknown }[]; unreadable: unknown[] };
    expect(listing.unreadable).toEqual([]);
    expect(listing.messages.length).toBeGreaterThanOrEqual(2);
    for (const m of listing.messages) expect(m).toMatchObject({ direction: 'out', delivery: [{ agency: 'fra-dgse', officerId: 'bob', state: 'delivered' }] });
    const fr = await ok(['messages', '--profile', bob, '--lang', 'fr']);
    expect(fr.out).toContain('queued while offline');
    expect(fr.out).toContain('gbr-mod/alice');
  });

  it('a revoked credential: the notes held are listed as unreadable, without their text', async () => {
    const fraDir = join(tmp.path, 'fra-dgse');
    const shown = JSON.parse((await ok(['profile', 'show', '--profile', bob, '--json'])).out) as { credential: { serial: number } };
    const crl = join(tmp.path, 'crl.json');
    await ok(['agency', 'revoke', '--dir', fraDir, '--serial', String(shown.credential.serial), '--out', crl]);
    await ok(['profile', 'import', '--profile', bob, crl]);
    const listing = JSON.parse((await ok(['messages', '--profile', bob, '--json'])).out) as { messages: unknown[]; unreadable: { noteId: string; marking: string; reason: string }[] };
    expect(listing.messages).toEqual([]);
    expect(listing.unreadable.length).toBeGreaterThanOrEqual(2);
    for (const u of listing.unreadable) expect(u).toMatchObject({ marking: expect.stringMatching(/^NATO (RESTRICTED|CONFIDENTIAL)$/) as string, reason: 'credential_revoked' });
    expect(JSON.stringify(listing)).not.toContain('queued while offline');
    // Nor can a revoked officer sync or send.
    await refused(['sync', '--profile', bob, '--relay', url], 'credential_revoked');
  });
});
