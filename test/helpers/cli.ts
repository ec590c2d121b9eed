import { join } from 'node:path';
import { runCli } from '../../cli/main';

export const AGENCY_PASS = 'agency root passphrase – sécurité';
export const OFFICER_PASS = 'officer profile passphrase';
export const ENV: NodeJS.ProcessEnv = { ENTENTE_PASSPHRASE: OFFICER_PASS, ENTENTE_AGENCY_PASSPHRASE: AGENCY_PASS };

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs the `entente` command in-process with the test passphrases in its environment. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = ENV): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Like `cli`, but fails the test with the command's stderr unless it exits 0. */
export async function ok(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
  const r = await cli(args, env);
  if (r.code !== 0) throw new Error(`entente ${args.slice(0, 2).join(' ')} exited ${r.code}: ${r.err}`);
  return r;
}

export const NATO_CLEARANCE = '{UNCLASSIFIED|RESTRICTED|CONFIDENTIAL|SECRET} REL TO FRA';

/** An agency (INTERACTIVE KDF) with its card exported; returns the paths. */
export async function newAgency(root: string, id: string, country: string, policy = 'nato') {
  const dir = join(root, id);
  const card = join(root, `${id}.card.json`);
  await ok(['agency', 'init', '--dir', dir, '--id', id, '--name', `Agency ${id}`, '--country', country, '--policy', policy, '--kdf', 'interactive']);
  await ok(['agency', 'card', '--dir', dir, '--out', card]);
  return { dir, card };
}

/** An officer profile (INTERACTIVE KDF) and its enrolment request. */
export async function newOfficer(root: string, officerId: string) {
  const profile = join(root, `profile-${officerId}`);
  const request = join(root, `${officerId}.request.json`);
  await ok(['profile', 'init', '--profile', profile, '--officer-id', officerId, '--name', `Officer ${officerId}`, '--out', request, '--kdf', 'interactive']);
  return { profile, request };
}
