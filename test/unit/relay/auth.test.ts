import { describe, expect, it } from 'vitest';
import { signKeyPair } from '../../../main/crypto/sodium';
import { toBase64url } from '../../../main/trust/base64url';
import { seeded } from '../../helpers/trust-fixtures';
import { Peer, authFrame, challenged, login, makeCrl, makeOfficer, relayCast, relayForAllTests } from './relay-fixtures';

const { fr, uk, rogue, alice } = await relayCast();
const t = relayForAllTests([fr, uk], { limits: { authTimeoutMs: 300 } });

/** Answers the challenge with `frame(nonce, relayId)` and returns the error frame and the close code. */
async function refused(make: (nonce: string, relayId: string) => unknown): Promise<{ code: string; reason: string | undefined; closeCode: number }> {
  const { peer, challenge } = await challenged(t.relay);
  peer.send(make(challenge.nonce, challenge.relay));
  const error = await peer.next('error');
  const { code: closeCode } = await peer.closed;
  expect(peer.all('ready')).toEqual([]);
  return { code: error.code, reason: error.reason, closeCode };
}

describe('relay authentication', () => {
  it('sends a fresh 32-byte challenge naming the relay, and logs in a valid officer', async () => {
    const a = await Peer.open(t.relay.wsUrl);
    const b = await Peer.open(t.relay.wsUrl);
    const [ca, cb] = await Promise.all([a.next('challenge'), b.next('challenge')]);
    expect(ca.nonce).not.toBe(cb.nonce);
    expect(ca.relay).toBe(t.relay.relayId);
    expect(t.relay.relayId).toBe(t.relay.wsUrl);
    a.send(authFrame(alice, ca.nonce, ca.relay));
    const ready = await a.next('ready');
    expect(ready.officer).toEqual({ agency: 'fr-dgsi', officerId: 'alice', serial: 11 });
    expect(ready.limits.maxEnvelopeBytes).toBe(256 * 1024);
    expect(ready.retentionMs).toBe(30 * 86_400_000);
    a.close();
    b.close();
    expect(t.logs.some((l) => l.includes('"event":"auth_ok"') && l.includes('fr-dgsi/alice'))).toBe(true);
  });

  it('refuses an agency that is not in the trust list', async () => {
    const stranger = makeOfficer(rogue, 'mallory', 12);
    expect(await refused((n, r) => authFrame(stranger, n, r))).toEqual({ code: 'relay_auth_failed', reason: 'unknown_agency', closeCode: 1008 });
  });

  it('refuses a credential for a trusted agency not signed by its pinned root key', async () => {
    const forged = makeOfficer(fr, 'mallory', 13, { signer: rogue.root });
    expect(await refused((n, r) => authFrame(forged, n, r))).toMatchObject({ code: 'relay_auth_failed', reason: 'issuer_signature_invalid' });
  });

  it('refuses an expired credential and one not yet valid', async () => {
    const expired = makeOfficer(fr, 'old', 14, { notBefore: '2025-01-01T00:00:00Z', notAfter: '2026-01-01T00:00:00Z' });
    const future = makeOfficer(fr, 'new', 15, { notBefore: '2026-06-01T00:00:00Z', notAfter: '2027-06-01T00:00:00Z' });
    expect((await refused((n, r) => authFrame(expired, n, r))).reason).toBe('credential_expired');
    expect((await refused((n, r) => authFrame(future, n, r))).reason).toBe('credential_not_yet_valid');
  });

  it('refuses a bad signature: wrong key, other relay id, tampered nonce', async () => {
    const other = signKeyPair(seeded(77));
    expect((await refused((n, r) => authFrame({ ...alice, keys: other }, n, r))).reason).toBe('signature_invalid');
    expect((await refused((n) => authFrame(alice, n, 'ws://some-other-relay:443'))).reason).toBe('signature_invalid');
    expect((await refused(() => authFrame(alice, toBase64url(new Uint8Array(32).fill(1)), t.relay.relayId))).reason).toBe('signature_invalid');
  });

  it('refuses a malformed credential', async () => {
    expect((await refused((n, r) => authFrame(alice, n, r, `${alice.text} `))).reason).toBe('credential_malformed');
    expect((await refused((n, r) => authFrame(alice, n, r, '{"not":"a credential"}'))).reason).toBe('credential_malformed');
  });

  it('refuses a replayed login: the signature of one connection on another', async () => {
    const { peer: first, challenge } = await challenged(t.relay);
    const captured = authFrame(alice, challenge.nonce, challenge.relay);
    first.send(captured);
    await first.next('ready');
    expect((await refused(() => captured)).reason).toBe('signature_invalid');
    first.close();
  });

  it('uses each challenge once: a second auth on a logged-in connection is refused', async () => {
    const { peer, challenge } = await challenged(t.relay);
    peer.send(authFrame(alice, challenge.nonce, challenge.relay));
    await peer.next('ready');
    peer.send(authFrame(alice, challenge.nonce, challenge.relay));
    expect(await peer.next('error')).toMatchObject({ code: 'relay_auth_failed', reason: 'already_authenticated' });
    peer.close();
  });

  it('refuses a revoked credential, and disconnects an officer whose credential is revoked meanwhile', async () => {
    const bob = makeOfficer(fr, 'bob', 16);
    const carol = makeOfficer(fr, 'carol', 17);
    const carolPeer = await login(t.relay, carol);
    const bobPeer = await login(t.relay, bob);
    // Anyone may upload a root-signed list; here bob uploads the list that revokes carol (serial 17).
    bobPeer.send({ type: 'publish', rid: 1, kind: 'revocation-list', object: makeCrl(fr, 1, [17]) });
    expect(await bobPeer.next('published')).toMatchObject({ rid: 1, outcome: 'new' });
    expect(await carolPeer.next('error')).toMatchObject({ code: 'relay_auth_failed', reason: 'credential_revoked' });
    expect((await carolPeer.closed).code).toBe(1008);
    expect((await refused((n, r) => authFrame(carol, n, r))).reason).toBe('credential_revoked');
    bobPeer.close();
  });

  it('disconnects a connection that does not log in in time, or sends anything else first', async () => {
    const idle = await Peer.open(t.relay.wsUrl);
    expect(await idle.next('error')).toMatchObject({ code: 'relay_auth_failed', reason: 'timeout' });
    expect((await idle.closed).code).toBe(1008);
    const { peer: eager } = await challenged(t.relay);
    eager.send({ type: 'ack', ids: ['AAAAAAAAAAAAAAAAAAAAAA'] });
    expect(await eager.next('error')).toMatchObject({ code: 'relay_auth_failed', reason: 'not_authenticated' });
    expect((await eager.closed).code).toBe(1008);
  });

  it('lets a newer connection of the same officer replace the older one', async () => {
    const dave = makeOfficer(uk, 'dave', 18);
    const old = await login(t.relay, dave);
    const fresh = await login(t.relay, dave);
    expect((await old.closed).code).toBe(4001);
    expect(fresh.ws.readyState).toBe(fresh.ws.OPEN);
    fresh.close();
  });
});
