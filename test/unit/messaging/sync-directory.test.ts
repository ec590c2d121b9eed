import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dhKeyPair, signKeyPair } from '../../../main/crypto/sodium';
import { ownSignedPrekeyBytes } from '../../../main/messaging/peer-prekeys';
import { applyDirectory } from '../../../main/messaging/sync-directory';
import { toBase64url } from '../../../main/trust/base64url';
import { Credential, RevocationList, type CredentialBody } from '../../../main/trust/objects';
import { createSigned, encodeSigned } from '../../../main/trust/signed';
import { FRA, GBR, buildAlliance, seededPrekey, storeSnapshot, type Alliance } from '../../helpers/alliance';
import { seeded } from '../../helpers/trust-fixtures';

/**
 * What a relay's directory answer can hold, hostile or stale, and what reaches the profile: only what
 * verifies against the agencies pinned here, their revocation lists and the clock.
 */
let a: Alliance;
const trustRows = (a: Alliance) =>
  JSON.stringify(['credentials', 'revocation_lists', 'peer_prekeys'].map((t) => a.p('reader').profile.db.connection.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all().map((r) => Object.values(r).map(String))));

beforeAll(async () => {
  a = await buildAlliance(
    [
      { agency: 'uk-demo', officerId: 'reader', classifications: [1, 2, 3, 4] },
      { agency: 'de-demo', officerId: 'gone', classifications: [1, 2], revoked: true, profile: false },
    ],
    [],
  );
}, 30_000);
afterAll(() => a?.close());

function credential(agency: 'fr-dgsi' | 'uk-demo', officerId: string, serial: number, seed: number, signer = a.roots[agency].secretKey) {
  const sign = signKeyPair(seeded(seed));
  const body: CredentialBody = {
    serial,
    agency,
    officerId,
    name: `Officer ${officerId}`,
    nationality: agency === 'fr-dgsi' ? 'FRA' : 'GBR',
    clearance: { policyId: '1.3.26.1.3.1', classifications: [1, 2], categories: [agency === 'fr-dgsi' ? FRA : GBR] },
    identityKey: toBase64url(sign.publicKey),
    agreementKey: toBase64url(dhKeyPair(seeded(seed + 1)).publicKey),
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2027-01-01T00:00:00Z',
  };
  return { text: encodeSigned(createSigned(Credential, body, 'issuer', signer)), sign };
}

const crl = (agency: 'de-demo' | 'fr-dgsi', sequence: number, serials: number[], signer = a.roots[agency].secretKey) =>
  encodeSigned(createSigned(RevocationList, { agency, sequence, issued: '2026-05-02T00:00:00Z', serials }, 'issuer', signer));

const empty = { credentials: [], prekeys: [], revocationLists: [] };

describe('reading the directory', () => {
  it('imports a new officer of a pinned agency and its prekey, and the same answer again changes nothing', () => {
    const ctx = a.p('reader').ctx;
    const c = credential('fr-dgsi', 'newcomer', 501, 60);
    const prekey = new TextDecoder().decode(seededPrekey('fr-dgsi', 'newcomer', c.sign, 62));
    const first = applyDirectory(ctx, { credentials: [c.text], prekeys: [prekey], revocationLists: [] });
    expect(first.credentials).toEqual({ imported: 1, unchanged: 0, skipped: 0 });
    expect(first.prekeys).toEqual({ imported: 1, unchanged: 0, skipped: 0 });
    expect(ctx.trust.credentials({ agency: 'fr-dgsi', officerId: 'newcomer' })).toHaveLength(1);
    expect(a.p('reader').audit.events.filter((e) => e.type === 'credential_imported')).toHaveLength(1);
    const before = trustRows(a);
    const again = applyDirectory(ctx, { credentials: [c.text, c.text], prekeys: [prekey], revocationLists: [] });
    expect(again.credentials).toEqual({ imported: 0, unchanged: 1, skipped: 0 });
    expect(again.prekeys).toEqual({ imported: 0, unchanged: 1, skipped: 0 });
    expect(trustRows(a)).toBe(before);
  });

  it('skips, with its code, each object the profile cannot verify, and stores nothing of it', () => {
    const ctx = a.p('reader').ctx;
    const rogueRoot = signKeyPair(seeded(77));
    const forged = credential('uk-demo', 'mallory', 601, 70, rogueRoot.secretKey);
    const unpinned = encodeSigned(
      createSigned(
        Credential,
        { serial: 9, agency: 'xx-rogue', officerId: 'eve', name: 'Eve', nationality: 'FRA', clearance: { policyId: '1.3.26.1.3.1', classifications: [1], categories: [] }, identityKey: toBase64url(signKeyPair(seeded(80)).publicKey), agreementKey: toBase64url(dhKeyPair(seeded(81)).publicKey), notBefore: '2026-01-01T00:00:00Z', notAfter: '2027-01-01T00:00:00Z' },
        'issuer',
        rogueRoot.secretKey,
      ),
    );
    const nobody = signKeyPair(seeded(90));
    const orphanPrekey = new TextDecoder().decode(seededPrekey('uk-demo', 'nobody', nobody, 91));
    // newcomer's credential was imported by the first test; this prekey of theirs expired long ago.
    const expiredPrekey = new TextDecoder().decode(seededPrekey('fr-dgsi', 'newcomer', signKeyPair(seeded(60)), 93, 2, a.clock.t - 30 * 86_400_000));
    const foreignCrl = crl('fr-dgsi', 5, [1], rogueRoot.secretKey);
    const before = storeSnapshot(a.p('reader').profile) + trustRows(a);
    const audit = a.p('reader').audit;
    const events = audit.events.length;

    const report = applyDirectory(ctx, {
      credentials: [forged.text, unpinned, 'not a credential', '{"v":1}'],
      prekeys: [orphanPrekey, expiredPrekey, 'garbage'],
      revocationLists: [foreignCrl, 'garbage'],
    });
    const codes = Object.fromEntries(report.skipped.map((s) => [s.subject, s.code]));
    expect(codes).toMatchObject({
      'uk-demo/mallory #601': 'signature_invalid',
      'xx-rogue/eve #9': 'trust_unknown_agency',
      'uk-demo/nobody prekey 1': 'peer_unknown',
      'fr-dgsi/newcomer prekey 2': 'prekey_expired',
      'fr-dgsi sequence 5': 'signature_invalid',
    });
    expect(report.skipped.filter((s) => s.subject === '?').map((s) => s.code)).toEqual(['signed_malformed', 'signed_malformed', 'signed_malformed', 'signed_malformed']);
    expect(report.credentials).toEqual({ imported: 0, unchanged: 0, skipped: 4 });
    expect(report.prekeys.skipped).toBe(3);
    expect(report.revocationLists).toEqual({ imported: 0, unchanged: 0, skipped: 2 });
    expect(storeSnapshot(a.p('reader').profile) + trustRows(a)).toBe(before);
    // A credential forged under a pinned agency is a security event; one of an agency not pinned is just not ours.
    const rejected = audit.events.slice(events).filter((e) => e.type === 'credential_rejected');
    expect(rejected.map((e) => e.code)).toEqual(['signature_invalid']);
  });

  it('applies a newer revocation list, refuses an older one, and then refuses the credentials it revokes', () => {
    const ctx = a.p('reader').ctx;
    const held = ctx.trust.revocationList('de-demo');
    expect(held?.body.sequence).toBe(1);
    const gone = a.get('gone').credential.body.serial;
    const newer = crl('de-demo', 2, [gone, 999]);
    const first = applyDirectory(ctx, { ...empty, revocationLists: [newer] });
    expect(first.revocationLists).toEqual({ imported: 1, unchanged: 0, skipped: 0 });
    expect(ctx.trust.revocationList('de-demo')?.body.sequence).toBe(2);
    const older = crl('de-demo', 1, [gone]);
    const second = applyDirectory(ctx, { ...empty, revocationLists: [older, newer] });
    expect(second.revocationLists).toEqual({ imported: 0, unchanged: 1, skipped: 1 });
    expect(second.skipped).toEqual([{ kind: 'revocation-list', subject: 'de-demo sequence 1', code: 'crl_stale' }]);
    expect(ctx.trust.revocationList('de-demo')?.body.sequence).toBe(2);

    const revoked = credential('fr-dgsi', 'revokedone', 777, 94);
    const fr = applyDirectory(ctx, { ...empty, revocationLists: [crl('fr-dgsi', 1, [777])], credentials: [revoked.text] });
    expect(fr.revocationLists.imported).toBe(1);
    expect(fr.skipped).toEqual([{ kind: 'credential', subject: 'fr-dgsi/revokedone #777', code: 'credential_revoked' }]);
    expect(ctx.trust.credentials({ agency: 'fr-dgsi', officerId: 'revokedone' })).toEqual([]);
  });

  it('ignores the profile\'s own prekey coming back from the relay', () => {
    const ctx = a.p('reader').ctx;
    const mine = ownSignedPrekeyBytes(ctx);
    if (mine === undefined) throw new Error('no prekey');
    const before = trustRows(a);
    const report = applyDirectory(ctx, { ...empty, prekeys: [new TextDecoder().decode(mine)] });
    expect(report.prekeys).toEqual({ imported: 0, unchanged: 0, skipped: 0 });
    expect(report.skipped).toEqual([]);
    expect(trustRows(a)).toBe(before);
  });
});
