import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The SPIFs Entente ships, by short name (policies/ at the package root). */
export const SHIPPED_POLICIES = ['nato', 'eu', 'uk', 'fr'] as const;
export type ShippedPolicy = (typeof SHIPPED_POLICIES)[number];

/**
 * policies/ at the package root. The same code runs from the sources (main/policy, cli/) and bundled
 * (dist/main, dist/cli), so look one to three levels up for the folder that holds nato.xml.
 */
export function shippedPolicyDir(): string {
  for (const up of [['..'], ['..', '..'], ['..', '..', '..']]) {
    const dir = join(import.meta.dirname, ...up, 'policies');
    if (existsSync(join(dir, 'nato.xml'))) return dir;
  }
  return join(import.meta.dirname, '..', '..', 'policies');
}

export const isShippedPolicy = (name: string): name is ShippedPolicy => (SHIPPED_POLICIES as readonly string[]).includes(name);

export const shippedPolicyText = (name: ShippedPolicy): string => readFileSync(join(shippedPolicyDir(), `${name}.xml`), 'utf8');

/** The shipped SPIFs' texts: the policies a profile knows without importing any. */
export const shippedPolicyTexts = (): string[] => SHIPPED_POLICIES.map(shippedPolicyText);
