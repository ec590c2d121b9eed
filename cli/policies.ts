import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyRegistry } from '../main/policy';
import { isShippedPolicy, shippedPolicyDir } from '../main/policy/shipped';
import { readInputFile } from './files';

export { SHIPPED_POLICIES, shippedPolicyTexts } from '../main/policy/shipped';

/** A path, or the short name of a shipped policy (`nato`) when no such file exists. */
export function policyPath(arg: string): string {
  if (!existsSync(arg) && isShippedPolicy(arg)) return join(shippedPolicyDir(), `${arg}.xml`);
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
