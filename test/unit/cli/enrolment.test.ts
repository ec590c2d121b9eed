import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../helpers/tmp';
import { AGENCY_PASS, ENV, NATO_CLEARANCE, cli, newAgency, newOfficer, ok } from '../../helpers/cli';

describe('entente agency init | card | issue and profile init | import | show', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.remove());

  it('sets up an agency, enrols an officer and shows the result', async () => {
    const agency = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
    const officer = await newOfficer(tmp.path, 'jdupont');
    const cred = join(tmp.path, 'cred.json');
    const issued = await ok(['agency', 'issue', '--dir', agency.dir, '--request', officer.request, '--clearance', NATO_CLEARANCE, '--category', 'Releasable To=NATO', '--valid-days', '30', '--out', cred, '--json']);
    const summary = JSON.parse(issued.out) as { serial: number; clearance: string; nationality: string; requestFingerprint: string };
    expect(summary.clearance).toBe('{UNCLASSIFIED|RESTRICTED|CONFIDENTIAL|SECRET} REL TO FRA, NATO');
    expect(summary.nationality).toBe('FRA');

    const imported = await ok(['profile', 'import', '--profile', officer.profile, cred, agency.card, '--json']);
    const results = (JSON.parse(imported.out) as { imported: { kind: string; outcome: string }[] }).imported;
    expect(results.map((r) => `${r.kind}:${r.outcome}`)).toEqual(['agency-card:new', 'credential:new']);

    const shown = JSON.parse((await ok(['profile', 'show', '--profile', officer.profile, '--json'])).out) as {
      identity: { officerId: string; fingerprint: string; safetyNumberHalf: string };
      credential: { serial: number; status: string; agency: string };
      partners: { id: string; fingerprint: string }[];
    };
    expect(shown.identity.officerId).toBe('jdupont');
    expect(shown.identity.fingerprint).toBe(summary.requestFingerprint);
    expect(shown.identity.safetyNumberHalf).toMatch(/^(\d{5} ){5}\d{5}$/);
    expect(shown.credential).toMatchObject({ serial: summary.serial, status: 'valid', agency: 'fr-dgsi' });
    const cardFingerprint = (await ok(['agency', 'card', '--dir', agency.dir, '--out', join(tmp.path, 'again.json'), '--json'])).out;
    expect(shown.partners).toEqual([expect.objectContaining({ id: 'fr-dgsi', fingerprint: (JSON.parse(cardFingerprint) as { fingerprint: string }).fingerprint })]);

    // Importing the same files again changes nothing.
    const again = JSON.parse((await ok(['profile', 'import', '--profile', officer.profile, agency.card, cred, '--json'])).out) as { imported: { outcome: string }[] };
    expect(again.imported.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);
    expect((await ok(['profile', 'show', '--profile', officer.profile])).out).toContain('safety number:');
  });

  it('keeps the agency and profile folders private (0700 / 0600)', async () => {
    const agency = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
    const officer = await newOfficer(tmp.path, 'jdupont');
    for (const dir of [agency.dir, join(agency.dir, 'policies'), join(agency.dir, 'partners'), officer.profile]) expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of ['root-key.json', 'card.json', 'ledger.json', 'policies/1.xml']) expect(statSync(join(agency.dir, f)).mode & 0o777).toBe(0o600);
    for (const f of ['keystore.json', 'profile.db']) expect(statSync(join(officer.profile, f)).mode & 0o777).toBe(0o600);
  });

  describe('rejections, each a one-line error with its code and exit 1', () => {
    async function expectRefused(args: string[], code: string, env = ENV) {
      const r = await cli(args, env);
      expect(r.code, r.err).toBe(1);
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toContain(`(${code})`);
      return r;
    }

    it('a credential of an agency that is not pinned, and nothing of the batch is stored', async () => {
      const agency = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
      const officer = await newOfficer(tmp.path, 'jdupont');
      const cred = join(tmp.path, 'cred.json');
      await ok(['agency', 'issue', '--dir', agency.dir, '--request', officer.request, '--clearance', NATO_CLEARANCE, '--out', cred]);
      const other = await newAgency(tmp.path, 'uk-demo', 'GBR');
      // Compared through `profile show`: the files themselves change, since the refusal is audited.
      const shown = async () => JSON.parse((await ok(['profile', 'show', '--profile', officer.profile, '--json'])).out);
      const before = await shown();
      const r = await expectRefused(['profile', 'import', '--profile', officer.profile, other.card, cred], 'trust_unknown_agency');
      expect(r.err).toContain('cred.json');
      expect(await shown()).toEqual(before); // the other card was not pinned either
    });

    it('a credential whose signature does not verify (altered after signing)', async () => {
      const agency = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
      const officer = await newOfficer(tmp.path, 'jdupont');
      const cred = join(tmp.path, 'cred.json');
      await ok(['agency', 'issue', '--dir', agency.dir, '--request', officer.request, '--clearance', '{UNCLASSIFIED} REL TO FRA', '--out', cred]);
      // Raise the clearance in the file, keeping it canonical: only the signature can catch this.
      const text = readFileSync(cred, 'utf8').replace('"classifications":[1]', '"classifications":[1,5]');
      writeFileSync(cred, text);
      await expectRefused(['profile', 'import', '--profile', officer.profile, agency.card, cred], 'signature_invalid');
    });

    it('a credential signed by another agency key than the pinned one', async () => {
      const real = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
      const impostor = await newAgency(tmp.path, 'fr-dgsi-copy', 'FRA');
      const officer = await newOfficer(tmp.path, 'jdupont');
      const cred = join(tmp.path, 'cred.json');
      await ok(['agency', 'issue', '--dir', impostor.dir, '--request', officer.request, '--clearance', NATO_CLEARANCE, '--out', cred]);
      writeFileSync(cred, readFileSync(cred, 'utf8').replace('"agency":"fr-dgsi-copy"', '"agency":"fr-dgsi"'));
      await expectRefused(['profile', 'import', '--profile', officer.profile, real.card, cred], 'signature_invalid');
    });

    it('a credential that is not valid yet', async () => {
      const agency = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
      const officer = await newOfficer(tmp.path, 'jdupont');
      const cred = join(tmp.path, 'cred.json');
      const from = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
      await ok(['agency', 'issue', '--dir', agency.dir, '--request', officer.request, '--clearance', NATO_CLEARANCE, '--valid-from', from, '--out', cred]);
      await expectRefused(['profile', 'import', '--profile', officer.profile, agency.card, cred], 'credential_not_yet_valid');
    });

    it('an expired credential', async () => {
      const agency = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
      const officer = await newOfficer(tmp.path, 'jdupont');
      const cred = join(tmp.path, 'cred.json');
      await ok(['agency', 'issue', '--dir', agency.dir, '--request', officer.request, '--clearance', NATO_CLEARANCE, '--valid-from', '2020-01-01', '--valid-days', '30', '--out', cred]);
      await expectRefused(['profile', 'import', '--profile', officer.profile, agency.card, cred], 'credential_expired');
    });

    it('a second card for a pinned agency id with another root key', async () => {
      const first = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
      const officer = await newOfficer(tmp.path, 'jdupont');
      await ok(['profile', 'import', '--profile', officer.profile, first.card]);
      const second = await newAgency(join(tmp.path, 'elsewhere'), 'fr-dgsi', 'FRA');
      await expectRefused(['profile', 'import', '--profile', officer.profile, second.card], 'trust_card_key_changed');
    });

    it('a re-keyed agency is accepted only after its old pin is removed with the old fingerprint', async () => {
      const first = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
      const officer = await newOfficer(tmp.path, 'jdupont');
      const oldCard = JSON.parse((await ok(['profile', 'import', '--profile', officer.profile, first.card, '--json'])).out) as { imported: { fingerprint: string }[] };
      const second = await newAgency(join(tmp.path, 'rekeyed'), 'fr-dgsi', 'FRA');
      await expectRefused(['profile', 'import', '--profile', officer.profile, second.card], 'trust_card_key_changed');
      await expectRefused(['profile', 'unpin', '--profile', officer.profile, '--agency', 'fr-dgsi', '--fingerprint', '00'.repeat(32)], 'invalid_input');
      await ok(['profile', 'unpin', '--profile', officer.profile, '--agency', 'fr-dgsi', '--fingerprint', oldCard.imported[0]?.fingerprint ?? '']);
      const again = JSON.parse((await ok(['profile', 'import', '--profile', officer.profile, second.card, '--json'])).out) as { imported: { outcome: string }[] };
      expect(again.imported[0]?.outcome).toBe('new');
    });

    it('an enrolment request that fails proof of possession', async () => {
      const agency = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
      const a = await newOfficer(tmp.path, 'jdupont');
      const b = await newOfficer(tmp.path, 'mmartin');
      // A's request presenting B's agreement key: the XEdDSA proof (made with A's key) fails, and so does
      // the identity signature over the changed body.
      const reqA = JSON.parse(readFileSync(a.request, 'utf8')) as { body: { agreementKey: string } };
      const reqB = JSON.parse(readFileSync(b.request, 'utf8')) as { body: { agreementKey: string } };
      writeFileSync(a.request, readFileSync(a.request, 'utf8').replace(reqA.body.agreementKey, reqB.body.agreementKey));
      await expectRefused(['agency', 'issue', '--dir', agency.dir, '--request', a.request, '--clearance', NATO_CLEARANCE, '--out', join(tmp.path, 'c.json')], 'enrolment_proof_invalid');
    });

    it('a clearance the policy does not know', async () => {
      const agency = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
      const officer = await newOfficer(tmp.path, 'jdupont');
      const out = join(tmp.path, 'c.json');
      await expectRefused(['agency', 'issue', '--dir', agency.dir, '--request', officer.request, '--clearance', '{UNCLASSIFIED|ULTRA}', '--out', out], 'marking_unknown_token');
      await expectRefused(['agency', 'issue', '--dir', agency.dir, '--request', officer.request, '--clearance', NATO_CLEARANCE, '--category', 'Releasable To=ATLANTIS', '--out', out], 'credential_clearance_unknown');
      await expectRefused(['agency', 'issue', '--dir', agency.dir, '--request', officer.request, '--clearance', NATO_CLEARANCE, '--category', 'Codewords=X', '--out', out], 'credential_clearance_unknown');
    });

    it('a credential whose clearance is under a policy the agency card does not list', async () => {
      const agency = await newAgency(tmp.path, 'fr-dgsi', 'FRA', 'nato');
      const officer = await newOfficer(tmp.path, 'jdupont');
      const cred = join(tmp.path, 'cred.json');
      await ok(['agency', 'issue', '--dir', agency.dir, '--request', officer.request, '--clearance', '{UNCLASSIFIED}', '--out', cred]);
      // Re-label the clearance as the EU policy: the signature fails first, which is the point of
      // signing; the policy check is covered at library level (test/unit/trust/verify.test.ts).
      writeFileSync(cred, readFileSync(cred, 'utf8').replace('"policyId":"1.3.26.1.3.1"', '"policyId":"2.999.208272260.1"'));
      await expectRefused(['profile', 'import', '--profile', officer.profile, agency.card, cred], 'signature_invalid');
    });

    it('missing or wrong passphrases, and a profile or agency folder that does not exist', async () => {
      const agency = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
      const officer = await newOfficer(tmp.path, 'jdupont');
      const out = join(tmp.path, 'c.json');
      const issue = ['agency', 'issue', '--dir', agency.dir, '--request', officer.request, '--clearance', NATO_CLEARANCE, '--out', out];
      await expectRefused(issue, 'passphrase_required', {});
      await expectRefused(issue, 'passphrase_wrong', { ENTENTE_AGENCY_PASSPHRASE: 'not it' });
      const passFile = join(tmp.path, 'pass.txt');
      writeFileSync(passFile, `${AGENCY_PASS}\n`);
      await ok([...issue, '--passphrase-file', passFile], {});
      await expectRefused(['profile', 'show', '--profile', officer.profile], 'passphrase_wrong', { ENTENTE_PASSPHRASE: 'nope' });
      await expectRefused(['profile', 'show', '--profile', join(tmp.path, 'none')], 'keystore_missing');
      await expectRefused(['agency', 'card', '--dir', join(tmp.path, 'none'), '--out', out], 'agency_missing');
    });

    it('init over an existing agency or profile, and invalid ids or countries', async () => {
      const agency = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
      await expectRefused(['agency', 'init', '--dir', agency.dir, '--id', 'fr-dgsi', '--name', 'X', '--country', 'FRA', '--kdf', 'interactive'], 'agency_exists');
      await expectRefused(['agency', 'init', '--dir', join(tmp.path, 'n'), '--id', 'fr-dgsi', '--name', 'X', '--country', 'FRX', '--kdf', 'interactive'], 'invalid_input');
      await expectRefused(['agency', 'init', '--dir', join(tmp.path, 'n'), '--id', 'FR DGSI', '--name', 'X', '--country', 'FRA', '--kdf', 'interactive'], 'invalid_input');
      const officer = await newOfficer(tmp.path, 'jdupont');
      await expectRefused(['profile', 'init', '--profile', officer.profile, '--officer-id', 'x', '--name', 'X', '--out', join(tmp.path, 'r.json'), '--kdf', 'interactive'], 'keystore_exists');
    });

    it('usage errors exit 2', async () => {
      const r = await cli(['agency', 'issue', '--dir', tmp.path]);
      expect(r.code).toBe(2);
      expect((await cli(['profile', 'import', '--profile', tmp.path])).code).toBe(2);
      expect((await cli(['profile', 'init', '--profile', join(tmp.path, 'p'), '--officer-id', 'Bad Id', '--name', 'x', '--out', join(tmp.path, 'r.json')])).code).toBe(2);
    });
  });
});
