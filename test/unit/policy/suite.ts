import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PolicyRegistry, compileSpif } from '../../../main/policy';

/** The peer conformance suite beside the checkout (../shared/conformance), and policy helpers. */
export const SUITE_DIR = path.resolve(import.meta.dirname, '../../../../shared/conformance/spiffing');

export const suiteText = (name: string): string => readFileSync(path.join(SUITE_DIR, name), 'utf8');

/** The file's bytes; a missing file reads as no data, as the reference harness treats it. */
export const suiteBytes = (name: string): Uint8Array => {
  const p = path.join(SUITE_DIR, name);
  return existsSync(p) ? new Uint8Array(readFileSync(p)) : new Uint8Array();
};

export const compileSuitePolicy = (name: string) => compileSpif(suiteText(name));

/** A registry with the suite's consistent policies loaded. */
export function suiteRegistry(): PolicyRegistry {
  const r = new PolicyRegistry();
  for (const f of ['food-policy.xml', 'tlp.xml', 'tlp-plus.xml', 'uk-demo.xml', 'nato-4774-policy.xml']) r.loadSpif(suiteText(f));
  return r;
}
