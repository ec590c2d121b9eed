import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyRegistry } from '../main/policy';
import { readInputFile } from './files';

/** The SPIFs Entente ships, by short name. */
export const SHIPPED_POLICIES = ['nato', 'eu', 'uk', 'fr'] as const;

/** policies/ at the package root: one level above cli/ in the sources, two above dist/cli when built. */
function shippedDir(): string {
  for (const up of [['..'], ['..', '..']]) {
    const dir = join(import.meta.dirname, ...up, 'policies');
    if (existsSync(join(dir, 'nato.xml'))) return dir;
  }
  return join(import.meta.dirname, '..', 'policies');
}

/** A path, or the short name of a shipped policy (`nato`) when no such file exists. */
export function policyPath(arg: string): string {
  if (!existsSync(arg) && (SHIPPED_POLICIES as readonly string[]).includes(arg)) return join(shippedDir(), `${arg}.xml`);
  return arg;
}

export function loadPolicies(args: readonly string[]): PolicyRegistry {
  const registry = new PolicyRegistry();
  for (const arg of args) {
    const path = policyPath(arg);
    registry.loadSpif(readInputFile(path).toString('utf8'));
  }
  return registry;
}

/** The SPIF text of a path or shipped short name. */
export function readPolicyText(arg: string): string {
  return readInputFile(policyPath(arg)).toString('utf8');
}

/** The shipped SPIFs' texts: the policies a profile knows without importing any. */
export function shippedPolicyTexts(): string[] {
  return SHIPPED_POLICIES.map((name) => readFileSync(join(shippedDir(), `${name}.xml`), 'utf8'));
}
