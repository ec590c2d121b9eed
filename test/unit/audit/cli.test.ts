import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NATO_CLEARANCE, cli, newAgency, newOfficer, ok } from '../../helpers/cli';
import { tempDir } from '../../helpers/tmp';

/** `entente audit export | verify`, end to end through the command line, as an officer and a security officer would. */
describe('entente audit', () => {
  let tmp: ReturnType<typeof tempDir>;
  let profile: string;
  let cred: string;
  let card: string;
  let out: string;

  beforeAll(async () => {
    tmp = tempDir();
    const agency = await newAgency(tmp.path, 'fr-dgsi', 'FRA');
    card = agency.card;
    const officer = await newOfficer(tmp.path, 'jdupont');
    profile = officer.profile;
    cred = join(tmp.path, 'cred.json');
    await ok(['agency', 'issue', '--dir', agency.dir, '--request', officer.request, '--clearance', NATO_CLEARANCE, '--out', cred]);
    await ok(['profile', 'import', '--profile', profile, card, cred]);
    await cli(['profile', 'unpin', '--profile', profile, '--agency', 'fr-dgsi', '--fingerprint', '0000']);
    out = join(tmp.path, 'audit.jsonl');
    await ok(['audit', 'export', '--profile', profile, '--out', out]);
  });
  afterAll(() => tmp.remove());

  it('exports to FILE and FILE.manifest.json, readable by the owner only', async () => {
    for (const f of [out, `${out}.manifest.json`]) expect(statSync(f).mode & 0o777).toBe(0o600);
    const types = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).entry.type);
    expect(types).toEqual(expect.arrayContaining(['profile_created', 'identity_created', 'enrolment_request_created', 'locked', 'unlock_succeeded', 'agency_card_imported', 'credential_imported', 'agency_unpinned']));
    const r = await ok(['audit', 'export', '--profile', profile, '--out', join(tmp.path, 'again.jsonl'), '--json']);
    expect(JSON.parse(r.out)).toMatchObject({ file: join(tmp.path, 'again.jsonl'), count: expect.any(Number), lastHash: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });

  it("verifies the profile's own history (exit 0) and records the verification", async () => {
    const r = await ok(['audit', 'verify', '--profile', profile, '--json']);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, checkpoints: expect.any(Number) });
    expect((await ok(['audit', 'verify', '--profile', profile])).out).toMatch(/^audit history intact: \d+ entries/);
    await ok(['audit', 'export', '--profile', profile, '--out', join(tmp.path, 'after.jsonl')]);
    expect(readFileSync(join(tmp.path, 'after.jsonl'), 'utf8')).toContain('"type":"audit_verified"');
  });

  it('verifies an export offline, in another folder, with only the credential (and the card)', async () => {
    const so = join(tmp.path, 'security-officer');
    mkdirSync(so);
    for (const [from, to] of [[out, 'audit.jsonl'], [`${out}.manifest.json`, 'audit.jsonl.manifest.json'], [cred, 'cred.json'], [card, 'card.json']] as const) copyFileSync(from, join(so, to));
    const r = await ok(['audit', 'verify', '--file', join(so, 'audit.jsonl'), '--credential', join(so, 'cred.json'), '--card', join(so, 'card.json'), '--json'], {});
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, officer: 'jdupont', agency: 'fr-dgsi', credentialIssuerChecked: true });
    const text = await ok(['audit', 'verify', '--file', join(so, 'audit.jsonl'), '--credential', join(so, 'cred.json')], {});
    expect(text.out).toMatch(/^audit export intact: \d+ entries by jdupont \(fr-dgsi\)/);
  });

  it('exits 1 with one line naming the first broken entry of a tampered export', async () => {
    const lines = readFileSync(out, 'utf8').split('\n');
    const bad = join(tmp.path, 'bad.jsonl');
    writeFileSync(bad, [...lines.slice(0, 3), ...lines.slice(4)].join('\n'));
    copyFileSync(`${out}.manifest.json`, `${bad}.manifest.json`);
    const r = await cli(['audit', 'verify', '--file', bad, '--credential', cred]);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^entente audit verify: first broken entry: 4: entry 4 is missing or out of place.*\(audit_chain_broken\)$/);
    const j = await cli(['audit', 'verify', '--file', bad, '--credential', cred, '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toMatchObject({ ok: false, problem: { seq: 4, code: 'audit_chain_broken' } });
  });

  it.each([
    [['audit', 'verify'], 2, /--profile is required/],
    [['audit', 'verify', '--profile', 'P', '--file', 'F'], 2, /either --profile or --file/],
    [['audit', 'verify', '--profile', 'P', '--credential', 'C'], 2, /go with --file/],
    [['audit', 'verify', '--file', 'F'], 2, /--credential is required/],
    [['audit', 'export', '--profile', 'P'], 2, /--out is required/],
  ])('usage errors: %j → exit %i', async (args, code, message) => {
    const r = await cli(args);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(message);
  });

  it('names a missing export or manifest, and a missing credential, with exit 1', async () => {
    expect((await cli(['audit', 'verify', '--file', join(tmp.path, 'nope.jsonl'), '--credential', cred])).err).toMatch(/nope\.jsonl\.manifest\.json does not exist \(file_unreadable\)/);
    expect((await cli(['audit', 'verify', '--file', out, '--credential', join(tmp.path, 'nope.json')])).err).toMatch(/does not exist \(file_unreadable\)/);
    copyFileSync(`${out}.manifest.json`, join(tmp.path, 'gone.jsonl.manifest.json'));
    expect((await cli(['audit', 'verify', '--file', join(tmp.path, 'gone.jsonl'), '--credential', cred])).err).toMatch(/gone\.jsonl cannot be read \(ENOENT\) \(file_unreadable\)/);
    const r = await cli(['audit', 'export', '--profile', profile, '--out', join(tmp.path, 'no-such-dir', 'a.jsonl')]);
    expect([r.code, r.err]).toEqual([1, expect.stringMatching(/does not exist \(file_unwritable\)/)]);
  });

  it('has --help for both commands', async () => {
    expect((await ok(['audit', 'verify', '--help'])).out).toMatch(/--file EXPORT --credential CRED\.json/);
    expect((await ok(['audit', 'export', '--help'])).out).toMatch(/--profile P --out FILE/);
  });
});
