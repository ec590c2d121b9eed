import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../helpers/tmp';

// The `entente` command as an agency's security officer runs it: the built file, a fresh process per
// command, so nothing one command set up in memory can hide what the next one lacks.
const CLI = resolve('dist/cli/entente.js');
let dir: ReturnType<typeof tempDir>;

function entente(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir.path,
    encoding: 'utf8',
    env: { ...process.env, ENTENTE_AGENCY_PASSPHRASE: 'agency passphrase for tests', ENTENTE_PASSPHRASE: 'officer passphrase for tests' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function ok(...args: string[]): string {
  const r = entente(...args);
  expect(r.err, args.join(' ')).toBe('');
  expect(r.code, args.join(' ')).toBe(0);
  return r.out;
}

beforeAll(() => {
  expect(existsSync(CLI), 'run `npm run build` first').toBe(true);
  dir = tempDir();
});
afterAll(() => dir.remove());

describe('entente: an alliance set up from the command line', () => {
  it('sets up two agencies, enrols an officer, signs a partnership, revokes', () => {
    const kdf = ['--kdf', 'interactive'];
    ok('agency', 'init', '--dir', 'gbr', '--id', 'gbr-mod', '--name', 'UK MOD', '--country', 'GBR', '--policy', 'nato', ...kdf);
    ok('agency', 'init', '--dir', 'fra', '--id', 'fra-dgse', '--name', 'DGSE', '--country', 'FRA', '--policy', 'nato', ...kdf);
    const card = JSON.parse(ok('agency', 'card', '--dir', 'gbr', '--out', 'gbr.card.json', '--json')) as { fingerprint: string };
    expect(card.fingerprint).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){15}$/);
    ok('agency', 'card', '--dir', 'fra', '--out', 'fra.card.json');

    ok('profile', 'init', '--profile', 'alice', '--officer-id', 'alice', '--name', 'Alice Smith', '--out', 'alice.req.json', ...kdf);
    // As security officers say it: the highest label the officer may read.
    ok('agency', 'issue', '--dir', 'gbr', '--request', 'alice.req.json', '--clearance', 'NATO SECRET', '--out', 'alice.cred.json');
    ok('agency', 'agree', '--dir', 'gbr', '--partner', 'fra.card.json', '--ceiling', 'NATO CONFIDENTIAL', '--out', 'agreement.json');
    ok('agency', 'countersign', '--dir', 'fra', '--agreement', 'agreement.json', '--partner', 'gbr.card.json', '--out', 'agreement.json');
    ok('profile', 'import', '--profile', 'alice', 'gbr.card.json', 'fra.card.json', 'alice.cred.json', 'agreement.json');

    const shown = JSON.parse(ok('profile', 'show', '--profile', 'alice', '--json')) as Record<string, unknown>;
    expect(JSON.stringify(shown)).toContain('gbr-mod');
    expect(JSON.stringify(shown)).toContain('fra-dgse');
    expect(JSON.stringify(shown)).not.toContain('officer passphrase');

    const serial = String((JSON.parse(ok('agency', 'issue', '--dir', 'gbr', '--request', 'alice.req.json', '--clearance', '{UNCLASSIFIED|RESTRICTED}', '--out', 'alice2.cred.json', '--json')) as { serial: number }).serial);
    ok('agency', 'revoke', '--dir', 'gbr', '--serial', serial, '--out', 'crl.json');
    ok('profile', 'import', '--profile', 'alice', 'crl.json');
  });

  it('refuses what it must, with one line and a code', () => {
    const unknownLevel = entente('agency', 'issue', '--dir', 'gbr', '--request', 'alice.req.json', '--clearance', 'NATO SUPER SECRET', '--out', 'x.json');
    expect(unknownLevel.code).toBe(1);
    expect(unknownLevel.err.trim().split('\n')).toHaveLength(1);
    expect(unknownLevel.err).toContain('(marking_unknown_token)');
    expect(existsSync(join(dir.path, 'x.json'))).toBe(false);

    const wrongPass = spawnSync(process.execPath, [CLI, 'agency', 'card', '--dir', 'gbr', '--out', 'y.json'], { cwd: dir.path, encoding: 'utf8', env: { ...process.env, ENTENTE_AGENCY_PASSPHRASE: 'wrong' } });
    // Exporting the public card needs no passphrase at all.
    expect(wrongPass.status).toBe(0);

    const badIssue = spawnSync(process.execPath, [CLI, 'agency', 'issue', '--dir', 'gbr', '--request', 'alice.req.json', '--clearance', 'NATO SECRET', '--out', 'z.json'], {
      cwd: dir.path,
      encoding: 'utf8',
      env: { ...process.env, ENTENTE_AGENCY_PASSPHRASE: 'not the agency passphrase' },
    });
    expect(badIssue.status).toBe(1);
    expect(badIssue.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir.path, 'z.json'))).toBe(false);
  });
});
