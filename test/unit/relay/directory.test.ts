import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signKeyPair } from '../../../main/crypto/sodium';
import { seeded } from '../../helpers/trust-fixtures';
import { DAY, countRows, inspect, login, makeCrl, makeOfficer, makePrekey, relayCast, relayForAllTests, type Peer } from './relay-fixtures';

const { fr, uk, rogue, alice, bob } = await relayCast();
const t = relayForAllTests([fr, uk]);
let a: Peer;
let b: Peer;
let rid = 100;

beforeAll(async () => {
  a = await login(t.relay, alice);
  b = await login(t.relay, bob);
});
// Runs before the relay stops: vitest runs after-hooks in the reverse order of their registration (sequence.hooks 'stack').
afterAll(() => {
  a.close();
  b.close();
});

async function publish(peer: Peer, kind: 'credential' | 'prekey' | 'revocation-list', object: string): Promise<{ outcome?: string; code?: string }> {
  const r = ++rid;
  peer.send({ type: 'publish', rid: r, kind, object });
  const answer = await Promise.race([peer.next('published', (f) => f.rid === r), peer.next('error', (f) => f.rid === r)]);
  return answer.type === 'published' ? { outcome: answer.outcome } : { code: answer.code };
}

async function query(peer: Peer, q: Record<string, unknown> = {}) {
  const r = ++rid;
  peer.send({ type: 'query', rid: r, ...q });
  return peer.next('directory', (f) => f.rid === r);
}

describe('relay directory', () => {
  it('lists the credential an officer logged in with', async () => {
    const d = await query(b, { agency: 'fr-dgsi', officerId: 'alice' });
    expect(d.credentials).toEqual([alice.text]);
    expect(d.truncated).toBe(false);
    expect(await publish(a, 'credential', alice.text)).toEqual({ outcome: 'unchanged' });
  });

  it('accepts an officer\'s own renewed credential, refuses someone else\'s', async () => {
    const renewed = makeOfficer(fr, 'alice', 11, { serial: 21, notAfter: '2027-03-01T00:00:00Z' });
    expect(await publish(a, 'credential', renewed.text)).toEqual({ outcome: 'new' });
    expect(await publish(a, 'credential', bob.text)).toEqual({ code: 'relay_directory_refused' });
    // Same officer id but another identity key: not the officer who logged in.
    const impostor = makeOfficer(fr, 'alice', 31);
    expect(await publish(a, 'credential', impostor.text)).toEqual({ code: 'relay_directory_refused' });
    expect((await query(b, { agency: 'fr-dgsi', officerId: 'alice' })).credentials.sort()).toEqual([alice.text, renewed.text].sort());
  });

  it('accepts an officer\'s own signed prekey and serves the newest unexpired one', async () => {
    expect(await publish(a, 'prekey', makePrekey(alice, 1))).toEqual({ outcome: 'new' });
    const newer = makePrekey(alice, 2, { created: '2026-03-02T08:00:00Z', expires: '2026-03-09T08:00:00Z' });
    expect(await publish(a, 'prekey', newer)).toEqual({ outcome: 'new' });
    expect(await publish(a, 'prekey', newer)).toEqual({ outcome: 'unchanged' });
    expect((await query(b, { agency: 'fr-dgsi', kinds: ['prekey'] })).prekeys).toEqual([newer]);
  });

  it('refuses someone else\'s prekey, a forged one and an expired one', async () => {
    const before = countRows(t.dataDir, 'prekeys');
    expect(await publish(b, 'prekey', makePrekey(alice, 5))).toEqual({ code: 'relay_directory_refused' });
    expect(await publish(a, 'prekey', makePrekey(alice, 6, { signer: signKeyPair(seeded(66)) }))).toEqual({ code: 'relay_directory_refused' });
    expect(await publish(a, 'prekey', makePrekey(alice, 7, { created: '2026-02-01T00:00:00Z', expires: '2026-02-08T00:00:00Z' }))).toEqual({ code: 'relay_directory_refused' });
    expect(await publish(a, 'prekey', '{"garbage":true}')).toEqual({ code: 'relay_directory_refused' });
    expect(countRows(t.dataDir, 'prekeys')).toBe(before);
  });

  it('accepts a root-signed revocation list from anyone, only with a higher sequence', async () => {
    expect(await publish(b, 'revocation-list', makeCrl(fr, 4, [500]))).toEqual({ outcome: 'new' });
    expect(await publish(a, 'revocation-list', makeCrl(fr, 3, []))).toEqual({ code: 'relay_directory_refused' });
    expect(await publish(a, 'revocation-list', makeCrl(fr, 4, [500]))).toEqual({ outcome: 'unchanged' });
    expect(await publish(a, 'revocation-list', makeCrl(fr, 4, [501]))).toEqual({ code: 'relay_directory_refused' });
    expect(await publish(a, 'revocation-list', makeCrl(fr, 5, [500, 501]))).toEqual({ outcome: 'updated' });
    expect(inspect(t.dataDir, "SELECT sequence FROM revocation_lists WHERE agency = 'fr-dgsi'")).toEqual([{ sequence: 5 }]);
    expect(await publish(a, 'revocation-list', makeCrl(rogue, 1, [1]))).toEqual({ code: 'relay_directory_refused' });
    const forged = makeCrl({ ...uk, root: rogue.root }, 9, [12]);
    expect(await publish(a, 'revocation-list', forged)).toEqual({ code: 'relay_directory_refused' });
    expect((await query(b, { kinds: ['revocation-list'] })).revocationLists).toEqual([makeCrl(fr, 5, [500, 501])]);
  });

  it('stops serving a revoked credential and its prekeys', async () => {
    const dan = makeOfficer(uk, 'dan', 41);
    const d = await login(t.relay, dan);
    expect(await publish(d, 'prekey', makePrekey(dan, 1))).toEqual({ outcome: 'new' });
    expect((await query(a, { agency: 'uk-demo', officerId: 'dan' })).credentials).toHaveLength(1);
    expect(await publish(a, 'revocation-list', makeCrl(uk, 1, [41]))).toEqual({ outcome: 'new' });
    const after = await query(a, { agency: 'uk-demo', officerId: 'dan' });
    expect(after.credentials).toEqual([]);
    expect(after.prekeys).toEqual([]);
    await d.closed;
  });

  it('does not serve expired credentials or prekeys, and the sweep forgets them', async () => {
    t.clock.now += 8 * DAY;
    const d = await query(b, { agency: 'fr-dgsi', officerId: 'alice' });
    expect(d.prekeys).toEqual([]);
    expect(d.credentials).toHaveLength(2);
    const report = await t.relay.sweep();
    expect(report.directory.prekeys).toBeGreaterThan(0);
    expect(countRows(t.dataDir, 'prekeys')).toBe(0);
    t.clock.now -= 8 * DAY;
  });

  it('refuses malformed queries with relay_frame_invalid', async () => {
    b.send({ type: 'query', rid: 7, officerId: 'alice' });
    expect(await b.next('error', (f) => f.rid === 7)).toMatchObject({ code: 'relay_frame_invalid' });
    b.send({ type: 'query', rid: 8, kinds: ['prekey', 'prekey'] });
    expect(await b.next('error', (f) => f.rid === 8)).toMatchObject({ code: 'relay_frame_invalid' });
  });
});
