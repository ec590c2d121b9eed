import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runCli } from '../../../cli/main';

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('entente command', () => {
  it('lists its commands with --help and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: entente <command>');
    expect(r.out).toContain('version');
  });

  it('without arguments prints the usage and exits 2', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('Usage');
  });

  it('prints its version as text and as JSON', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect((await run(['version'])).out).toBe(`entente ${version}`);
    expect(JSON.parse((await run(['version', '--json'])).out)).toEqual({ name: 'entente', version });
  });

  it('has --help on every subcommand', async () => {
    const r = await run(['version', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('entente version');
  });

  it('rejects an unknown command and an unknown option with one line and exit 2', async () => {
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err.split('\n')).toHaveLength(1);
    expect(unknown.err).toContain('unknown command "frobnicate"');
    const badOption = await run(['version', '--bogus']);
    expect(badOption.code).toBe(2);
    expect(badOption.err.split('\n')).toHaveLength(1);
    expect(badOption.err).toContain('--bogus');
  });
});
