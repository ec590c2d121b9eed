import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../helpers/tmp';
import { ENV, NATO_CLEARANCE, cli, newAgency, newOfficer, ok } from '../../helpers/cli';

async function expectRefused(args: string[], code: string, env = ENV) {
  const r = await cli(args, env);
  expect(r.code, r.err).toBe(1);
  expect(r.err.split('\n')).toHaveLength(1);
  expect(r.err).toContain(`(${code})`);
}

describe('entente agency agree | countersign | revoke, imported into a profile', () => {
  let tmp: ReturnType<typeof tempDir>;
  let fr: { dir: string; card: string };
  let uk: { dir: string; card: string };
  const path = (name: string) => join(tmp.path, name);

  beforeEach(async () => {
    tmp = tempDir();
    fr = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
    uk = await newAgency(tmp.path, 'uk-demo', 'GBR');
  });
  afterEach(() => tmp.remove());

  async function signedAgreement(): Promise<string> {
    await ok(['agency', 'agree', '--dir', fr.dir, '--partner', uk.card, '--ceiling', 'NATO SECRET REL TO FRA, GBR', '--out', path('proposed.json')]);
    await ok(['agency', 'countersign', '--dir', uk.dir, '--agreement', path('proposed.json'), '--partner', fr.card, '--out', path('agreement.json')]);
    return path('agreement.json');
  }

  it('one machine: two agencies sign a partnership, an officer imports it and sees it', async () => {
    const proposed = JSON.parse((await ok(['agency', 'agree', '--dir', fr.dir, '--partner', uk.card, '--ceiling', 'NATO SECRET REL TO FRA, GBR', '--valid-days', '90', '--out', path('proposed.json'), '--json'])).out) as { ceiling: string; partner: string; countersigned: boolean };
    expect(proposed).toMatchObject({ ceiling: 'NATO SECRET REL TO FRA, GBR', partner: 'uk-demo', countersigned: false });
    const countersigned = JSON.parse((await ok(['agency', 'countersign', '--dir', uk.dir, '--agreement', path('proposed.json'), '--partner', fr.card, '--out', path('agreement.json'), '--json'])).out) as { countersigned: boolean };
    expect(countersigned.countersigned).toBe(true);

    const officer = await newOfficer(tmp.path, 'jsmith');
    await ok(['agency', 'issue', '--dir', uk.dir, '--request', officer.request, '--clearance', '{UNCLASSIFIED|RESTRICTED|CONFIDENTIAL|SECRET} REL TO GBR', '--out', path('cred.json')]);
    await ok(['profile', 'import', '--profile', officer.profile, path('agreement.json'), path('cred.json'), uk.card, fr.card]);
    const shown = JSON.parse((await ok(['profile', 'show', '--profile', officer.profile, '--json'])).out) as { agreements: { proposer: string; partner: string; status: string; ceiling: string }[] };
    expect(shown.agreements).toEqual([expect.objectContaining({ proposer: 'fr-dgsi', partner: 'uk-demo', status: 'valid', ceiling: 'NATO SECRET REL TO FRA, GBR' })]);
  });

  it('refuses a countersignature by an agency the agreement is not addressed to', async () => {
    await ok(['agency', 'agree', '--dir', fr.dir, '--partner', uk.card, '--ceiling', 'NATO SECRET', '--out', path('proposed.json')]);
    const de = await newAgency(tmp.path, 'de-bfv', 'DEU');
    await expectRefused(['agency', 'countersign', '--dir', de.dir, '--agreement', path('proposed.json'), '--partner', fr.card, '--out', path('x.json')], 'agreement_not_party');
  });

  it('refuses to countersign for an unpinned proposer, or an altered proposal', async () => {
    await ok(['agency', 'agree', '--dir', fr.dir, '--partner', uk.card, '--ceiling', 'NATO SECRET', '--out', path('proposed.json')]);
    await expectRefused(['agency', 'countersign', '--dir', uk.dir, '--agreement', path('proposed.json'), '--out', path('x.json')], 'trust_unknown_agency');
    writeFileSync(path('proposed.json'), readFileSync(path('proposed.json'), 'utf8').replace('"ceiling":4', '"ceiling":5'));
    await expectRefused(['agency', 'countersign', '--dir', uk.dir, '--agreement', path('proposed.json'), '--partner', fr.card, '--out', path('x.json')], 'signature_invalid');
  });

  it('refuses a partner card whose key changed since it was pinned', async () => {
    await ok(['agency', 'agree', '--dir', fr.dir, '--partner', uk.card, '--ceiling', 'NATO SECRET', '--out', path('a1.json')]);
    const impostor = await newAgency(join(tmp.path, 'other'), 'uk-demo', 'GBR');
    await expectRefused(['agency', 'agree', '--dir', fr.dir, '--partner', impostor.card, '--ceiling', 'NATO SECRET', '--out', path('a2.json')], 'trust_card_key_changed');
  });

  it('refuses agencies without a common policy and a ceiling the policy does not know', async () => {
    const eu = await newAgency(tmp.path, 'eu-demo', 'BEL', 'eu');
    await expectRefused(['agency', 'agree', '--dir', fr.dir, '--partner', eu.card, '--ceiling', 'NATO SECRET', '--out', path('x.json')], 'agreement_policy_mismatch');
    await expectRefused(['agency', 'agree', '--dir', fr.dir, '--partner', uk.card, '--ceiling', 'NATO ULTRA', '--out', path('x.json')], 'marking_unknown_token');
  });

  it('a profile refuses an agreement that is not countersigned, or whose agencies are not pinned', async () => {
    const officer = await newOfficer(tmp.path, 'jdupont');
    await ok(['agency', 'agree', '--dir', fr.dir, '--partner', uk.card, '--ceiling', 'NATO SECRET', '--out', path('proposed.json')]);
    await expectRefused(['profile', 'import', '--profile', officer.profile, fr.card, uk.card, path('proposed.json')], 'agreement_incomplete');
    const agreement = await signedAgreement();
    await expectRefused(['profile', 'import', '--profile', officer.profile, fr.card, agreement], 'trust_unknown_agency');
  });

  it('revocation: rising sequence, older list refused, revoked credential refused and shown as revoked', async () => {
    const a = await newOfficer(tmp.path, 'jdupont');
    const b = await newOfficer(tmp.path, 'mmartin');
    const issue = async (req: string, out: string) => (JSON.parse((await ok(['agency', 'issue', '--dir', fr.dir, '--request', req, '--clearance', NATO_CLEARANCE, '--out', out, '--json'])).out) as { serial: number }).serial;
    const serialA = await issue(a.request, path('a.json'));
    const serialB = await issue(b.request, path('b.json'));
    await ok(['profile', 'import', '--profile', a.profile, fr.card, path('a.json')]);

    const r1 = JSON.parse((await ok(['agency', 'revoke', '--dir', fr.dir, '--serial', String(serialB), '--out', path('crl1.json'), '--json'])).out) as { sequence: number; serials: number[] };
    expect(r1).toMatchObject({ sequence: 1, serials: [serialB] });
    // A wrong passphrase neither revokes nor uses up a sequence number.
    await expectRefused(['agency', 'revoke', '--dir', fr.dir, '--serial', String(serialA), '--out', path('x.json')], 'passphrase_wrong', { ENTENTE_AGENCY_PASSPHRASE: 'wrong' });
    const r2 = JSON.parse((await ok(['agency', 'revoke', '--dir', fr.dir, '--serial', String(serialA), '--out', path('crl2.json'), '--json'])).out) as { sequence: number; serials: number[] };
    expect(r2).toMatchObject({ sequence: 2, serials: [serialA, serialB].sort((x, y) => x - y) });
    await expectRefused(['agency', 'revoke', '--dir', fr.dir, '--serial', '123', '--out', path('x.json')], 'invalid_input');

    await ok(['profile', 'import', '--profile', a.profile, path('crl2.json')]);
    await expectRefused(['profile', 'import', '--profile', a.profile, path('crl1.json')], 'crl_stale');
    const shown = JSON.parse((await ok(['profile', 'show', '--profile', a.profile, '--json'])).out) as { credential: { status: string } };
    expect(shown.credential.status).toBe('revoked');
    // Another officer's revoked credential is refused outright.
    await expectRefused(['profile', 'import', '--profile', a.profile, path('b.json')], 'credential_revoked');
    // A list from an agency that is not pinned, or altered, is refused.
    const c = await newOfficer(tmp.path, 'cnobody');
    await expectRefused(['profile', 'import', '--profile', c.profile, path('crl2.json')], 'trust_unknown_agency');
    writeFileSync(path('crl3.json'), readFileSync(path('crl2.json'), 'utf8').replace('"sequence":2', '"sequence":3'));
    await expectRefused(['profile', 'import', '--profile', a.profile, path('crl3.json')], 'signature_invalid');
  });
});

describe('entente profile verify: safety numbers across a key change', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.remove());

  it('shows the number, marks it verified, and blocks again after the other officer re-enrols with new keys', async () => {
    const fr = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
    const a = await newOfficer(tmp.path, 'jdupont');
    const b1 = await newOfficer(join(tmp.path, 'first'), 'mmartin');
    await ok(['agency', 'issue', '--dir', fr.dir, '--request', b1.request, '--clearance', NATO_CLEARANCE, '--valid-from', new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10), '--out', join(tmp.path, 'b1.json')]);
    const imported = JSON.parse((await ok(['profile', 'import', '--profile', a.profile, fr.card, join(tmp.path, 'b1.json'), '--json'])).out) as { imported: unknown[] };
    expect(imported.imported).toHaveLength(2);

    const shown = JSON.parse((await ok(['profile', 'verify', '--profile', a.profile, '--officer', 'fr-dgsi/mmartin', '--json'])).out) as { safetyNumber: string; verified: boolean };
    expect(shown.verified).toBe(false);
    expect(shown.safetyNumber).toMatch(/^(\d{5} ){11}\d{5}$/);
    await expectRefused(['profile', 'verify', '--profile', a.profile, '--officer', 'fr-dgsi/mmartin', '--safety-number', '1'.repeat(60)], 'safety_number_mismatch');
    expect(JSON.parse((await ok(['profile', 'verify', '--profile', a.profile, '--officer', 'fr-dgsi/mmartin', '--safety-number', shown.safetyNumber, '--json'])).out)).toMatchObject({ verified: true });

    // mmartin re-enrols on a new workstation: new keys, new credential.
    const b2 = await newOfficer(join(tmp.path, 'second'), 'mmartin');
    await ok(['agency', 'issue', '--dir', fr.dir, '--request', b2.request, '--clearance', NATO_CLEARANCE, '--out', join(tmp.path, 'b2.json')]);
    const second = JSON.parse((await ok(['profile', 'import', '--profile', a.profile, join(tmp.path, 'b2.json'), '--json'])).out) as { imported: { keyChanged?: boolean }[] };
    expect(second.imported[0]?.keyChanged).toBe(true);
    const contacts = (JSON.parse((await ok(['profile', 'show', '--profile', a.profile, '--json'])).out) as { contacts: { serial: number; sendable: boolean; keyChanged: boolean }[] }).contacts;
    expect(contacts.every((c) => !c.sendable && c.keyChanged)).toBe(true);
    const changed = JSON.parse((await ok(['profile', 'verify', '--profile', a.profile, '--officer', 'fr-dgsi/mmartin', '--json'])).out) as { safetyNumber: string; sendable: boolean };
    expect(changed.sendable).toBe(false);
    expect(changed.safetyNumber).not.toBe(shown.safetyNumber);
    await ok(['profile', 'verify', '--profile', a.profile, '--officer', 'fr-dgsi/mmartin', '--safety-number', changed.safetyNumber]);
    expect((JSON.parse((await ok(['profile', 'verify', '--profile', a.profile, '--officer', 'fr-dgsi/mmartin', '--json'])).out) as { sendable: boolean }).sendable).toBe(true);
    await expectRefused(['profile', 'verify', '--profile', a.profile, '--officer', 'fr-dgsi/nobody'], 'peer_unknown');
  });

  it('creates a signed prekey once the own credential is imported', async () => {
    const fr = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
    const a = await newOfficer(tmp.path, 'jdupont');
    await ok(['agency', 'issue', '--dir', fr.dir, '--request', a.request, '--clearance', NATO_CLEARANCE, '--out', join(tmp.path, 'a.json')]);
    const r = JSON.parse((await ok(['profile', 'import', '--profile', a.profile, fr.card, join(tmp.path, 'a.json'), '--json'])).out) as { prekeys: { created: number } };
    expect(r.prekeys.created).toBe(1);
    expect((JSON.parse((await ok(['profile', 'show', '--profile', a.profile, '--json'])).out) as { prekey: { id: number } }).prekey.id).toBe(1);
  });
});
