import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dhKeyPair, signKeyPair } from '../../../main/crypto/sodium';
import { importPeerPrekey } from '../../../main/messaging/peer-prekeys';
import { previewRecipients, selectRecipients } from '../../../main/messaging/recipients';
import { toBase64url } from '../../../main/trust/base64url';
import { importFiles } from '../../../main/trust/import';
import { Credential } from '../../../main/trust/objects';
import { markVerified, peerStatus } from '../../../main/trust/peers';
import { createSigned, encodeSigned } from '../../../main/trust/signed';
import { DAY, FRA, GBR, REL_NATO, T0, buildAlliance, seededPrekey, type Alliance } from '../../helpers/alliance';
import { seeded } from '../../helpers/trust-fixtures';

const ref = (agency: string, officerId: string) => ({ agency, officerId });
const reasonsOf = (p: ReturnType<typeof previewRecipients>) => Object.fromEntries(p.withheld.map((w) => [w.officer.officerId, w.reasons.map((r) => r.code).sort()]));

/** Withheld reasons that are not about the label: credential standing, missing keys, unverified key changes. */
describe('recipient selection beyond the label', () => {
  let a: Alliance;
  const label = () => a.label('NATO RESTRICTED REL TO FRA, GBR');

  beforeAll(async () => {
    a = await buildAlliance(
      [
        { agency: 'fr-dgsi', officerId: 'alice', classifications: [1, 2, 3, 4] },
        { agency: 'fr-dgsi', officerId: 'revme', classifications: [1, 2, 3, 4], revoked: true },
        { agency: 'uk-demo', officerId: 'bob', classifications: [1, 2, 3, 4] },
        { agency: 'uk-demo', officerId: 'carl', classifications: [1, 2, 3, 4] },
        { agency: 'uk-demo', officerId: 'rev', classifications: [1, 2, 3, 4], profile: false, revoked: true },
        { agency: 'uk-demo', officerId: 'old', classifications: [1, 2, 3, 4], profile: false, notBefore: '2026-01-01T00:00:00Z', notAfter: '2026-05-01T00:00:00Z' },
        { agency: 'uk-demo', officerId: 'early', classifications: [1, 2, 3, 4], profile: false, notBefore: '2026-07-01T00:00:00Z', notAfter: '2027-07-01T00:00:00Z' },
        { agency: 'uk-demo', officerId: 'nokey', classifications: [1, 2, 3, 4], profile: false, prekey: false },
        { agency: 'uk-demo', officerId: 'dora', classifications: [1, 2, 3, 4], profile: false },
      ],
      [{ between: ['fr-dgsi', 'uk-demo'], ceiling: 4, categories: [FRA, GBR, REL_NATO] }],
    );
  }, 60_000);
  afterAll(() => a?.close());

  it('withholds revoked, expired, not yet valid, keyless and unknown members, each with its reasons', () => {
    const members = ['bob', 'rev', 'old', 'early', 'nokey'].map((id) => ref('uk-demo', id));
    const preview = previewRecipients(a.p('alice').ctx, [...members, ref('uk-demo', 'ghost'), ref('fr-dgsi', 'alice')], label());
    expect(preview.eligible).toEqual([ref('uk-demo', 'bob')]);
    expect(reasonsOf(preview)).toEqual({
      rev: ['credential_revoked'],
      old: ['credential_expired'],
      early: ['credential_not_yet_valid'],
      nokey: ['prekey_unavailable'],
      ghost: ['credential_missing'],
    });
  });

  it('withholds a member whose keys changed until the safety number is verified again and a prekey of the new key is held', () => {
    const alice = a.p('alice');
    const carl = a.get('carl');
    expect(previewRecipients(alice.ctx, [carl], label()).eligible).toEqual([ref('uk-demo', 'carl')]);
    // carl's agency re-issues his credential with new keys (a new device, or a substituted key).
    const sign = signKeyPair(seeded(240));
    const body = { ...carl.credential.body, serial: 900, identityKey: toBase64url(sign.publicKey), agreementKey: toBase64url(dhKeyPair(seeded(241)).publicKey), notBefore: '2026-02-01T00:00:00Z' };
    const reissued = createSigned(Credential, body, 'issuer', a.roots['uk-demo'].secretKey);
    const [result] = importFiles(alice.profile, alice.identity, [{ name: 'carl2.cred', bytes: new TextEncoder().encode(encodeSigned(reissued)) }], { now: T0 });
    expect(result?.keyChanged).toBe(true);
    expect(reasonsOf(previewRecipients(alice.ctx, [carl], label()))).toEqual({ carl: ['key_change_unverified', 'prekey_unavailable'] });

    const status = peerStatus(alice.profile.db, alice.identity, 'uk-demo', 'carl');
    markVerified(alice.profile.db, alice.identity, 'uk-demo', 'carl', status.safetyNumber.join(' '), T0);
    expect(reasonsOf(previewRecipients(alice.ctx, [carl], label()))).toEqual({ carl: ['prekey_unavailable'] });

    importPeerPrekey(alice.ctx, seededPrekey('uk-demo', 'carl', sign, 242, 7));
    const selection = selectRecipients(alice.ctx, [carl], label());
    expect(selection.withheld).toEqual([]);
    expect(selection.eligible.map((r) => [r.officerId, r.credential.body.serial, r.prekeyId])).toEqual([['carl', 900, 7]]);
  });

  it('follows the newest credential in force: a later, lower clearance is not overridden by an older one', () => {
    const alice = a.p('alice');
    const dora = a.get('dora');
    const secret = a.label('NATO SECRET REL TO FRA, GBR');
    expect(previewRecipients(alice.ctx, [dora], secret).eligible).toEqual([ref('uk-demo', 'dora')]);
    const lowered = { ...dora.credential.body, serial: 901, clearance: { ...dora.credential.body.clearance, classifications: [1, 2] }, notBefore: '2026-03-01T00:00:00Z' };
    const newer = createSigned(Credential, lowered, 'issuer', a.roots['uk-demo'].secretKey);
    importFiles(alice.profile, alice.identity, [{ name: 'dora2.cred', bytes: new TextEncoder().encode(encodeSigned(newer)) }], { now: T0 });
    expect(reasonsOf(previewRecipients(alice.ctx, [dora], secret))).toEqual({ dora: ['classification_not_cleared'] });
    expect(previewRecipients(alice.ctx, [dora], label()).eligible).toEqual([ref('uk-demo', 'dora')]);
  });

  it("refuses to select anyone for a sender whose own credential is revoked", () => {
    expect(() => previewRecipients(a.p('revme').ctx, [a.get('bob')], label())).toThrow(expect.objectContaining({ code: 'credential_revoked' }));
  });

  it('stops using a prekey once it has expired', () => {
    const alice = a.p('alice');
    try {
      a.clock.t = T0 + 8 * DAY;
      expect(reasonsOf(previewRecipients(alice.ctx, [a.get('bob')], label()))).toEqual({ bob: ['prekey_unavailable'] });
    } finally {
      a.clock.t = T0;
    }
  });

  it('imports a signed prekey only after verifying it against a held credential', () => {
    const alice = a.p('alice');
    const bobSign = signKeyPair(seeded(243));
    const cases: [string, Uint8Array][] = [
      ['peer_unknown', seededPrekey('uk-demo', 'nobody', bobSign, 244)],
      ['prekey_mismatch', seededPrekey('uk-demo', 'bob', bobSign, 244)],
      ['prekey_expired', seededPrekey('uk-demo', 'nokey', { publicKey: a.get('nokey').signPublic, secretKey: a.get('nokey').signSecret }, 245, 2, T0 - 10 * DAY)],
      ['signed_malformed', new TextEncoder().encode('{"v":1,"type":"signed-prekey","body":{"__proto__":{}},"sigs":{}}')],
    ];
    const before = alice.ctx.notes.peerPrekeys(ref('uk-demo', 'nokey')).length;
    for (const [code, bytes] of cases) expect(() => importPeerPrekey(alice.ctx, bytes), code).toThrow(expect.objectContaining({ code }));
    expect(alice.ctx.notes.peerPrekeys(ref('uk-demo', 'nokey')).length).toBe(before);
    const ok = importPeerPrekey(alice.ctx, seededPrekey('uk-demo', 'nokey', { publicKey: a.get('nokey').signPublic, secretKey: a.get('nokey').signSecret }, 246, 3));
    expect(ok.outcome).toBe('new');
    expect(reasonsOf(previewRecipients(alice.ctx, [a.get('nokey')], label()))).toEqual({});
  });
});
