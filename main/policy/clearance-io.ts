import { EntenteError } from '../../shared/errors';
import { Clearance } from '../../shared/labels/model';
import type { PolicyRegistry } from './registry';
import { readSpiffyClearance } from './spiffy-xml';

/**
 * Reads a clearance: the project's JSON form (what credentials carry: {policyId, classifications,
 * categories}) or the spiffing suite's XML form. The policy must be loaded.
 */
export function readClearance(input: string, registry: PolicyRegistry): Clearance {
  const text = input.replace(/^\uFEFF/, '').trim();
  if (text === '') throw new EntenteError('clearance_malformed', 'No data to parse');
  if (!text.startsWith('{')) return readSpiffyClearance(text, registry);
  if (text.length > 256 * 1024) throw new EntenteError('clearance_malformed', 'clearance JSON larger than 256 KiB');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new EntenteError('clearance_malformed', 'clearance is not JSON');
  }
  const parsed = Clearance.safeParse(raw);
  if (!parsed.success) throw new EntenteError('clearance_malformed', `not a clearance: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  registry.require(parsed.data.policyId);
  return parsed.data;
}
