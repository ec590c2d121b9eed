import { canonicalJsonBytes, utf8 } from '../../shared/labels/canonical-json';
import { HASH_BYTES, blake2b } from '../crypto/sodium';
import type { AgencyCardBody } from './objects';

/**
 * Fingerprints: what people compare out of band. BLAKE2b-256 over a context string, a zero byte and
 * the canonical JSON of the public object (docs/PROTOCOL.md §4).
 */
export function fingerprint(kind: string, publicObject: unknown): Uint8Array {
  const context = utf8(`entente/v1/fingerprint/${kind}`);
  const content = canonicalJsonBytes(publicObject);
  const input = new Uint8Array(context.length + 1 + content.length);
  input.set(context, 0);
  input.set(content, context.length + 1);
  return blake2b(input, HASH_BYTES);
}

/**
 * An agency's fingerprint covers exactly what a partner pins: its id and root key. A card re-issued
 * with another name or policy list keeps the fingerprint (it must still be self-signed by the pinned
 * key); a card with another key never has the same one.
 */
export const agencyFingerprint = (card: Pick<AgencyCardBody, 'id' | 'rootKey'>): Uint8Array => fingerprint('agency', { id: card.id, rootKey: card.rootKey });

/** "9f3a 01bc …": 4 hex digits per group, the form printed for agency cards. */
export function hexGroups(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return (hex.match(/.{1,4}/g) ?? []).join(' ');
}

/**
 * Decimal groups of 5 digits, 5 bytes per group (40-bit big-endian integer mod 100000, as Signal's
 * safety numbers): easy to read aloud over a phone line. `groups` × 5 bytes must fit in `bytes`.
 */
export function digitGroups(bytes: Uint8Array, groups: number): string[] {
  if (groups * 5 > bytes.length) throw new Error(`${groups} digit groups need ${groups * 5} bytes`);
  const out: string[] = [];
  for (let g = 0; g < groups; g++) {
    let n = 0;
    for (let i = 0; i < 5; i++) n = n * 256 + (bytes[g * 5 + i] as number);
    out.push(String(n % 100_000).padStart(5, '0'));
  }
  return out;
}
