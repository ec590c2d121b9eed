import { digitGroups, fingerprint } from './fingerprint';

/**
 * Safety numbers (docs/TRUST.md §7): what two officers read to each other to be sure each holds the
 * other's real keys. Each officer has a half, 30 digits from BLAKE2b over their officer id and both
 * identity public keys; the pair's number is the two halves in ascending order, so both officers see
 * the same 60 digits. Any change of either key changes it.
 */
export interface OfficerKeys {
  officerId: string;
  /** base64url, as credentials carry them. */
  identityKey: string;
  agreementKey: string;
}

export const SAFETY_HALF_GROUPS = 6;

/** One officer's half: 6 groups of 5 digits. */
export function safetyHalf(keys: OfficerKeys): string[] {
  const fp = fingerprint('officer', { officerId: keys.officerId, identityKey: keys.identityKey, agreementKey: keys.agreementKey });
  return digitGroups(fp, SAFETY_HALF_GROUPS);
}

/** The pair's safety number: 12 groups of 5 digits, the same seen from either side. */
export function safetyNumber(a: OfficerKeys, b: OfficerKeys): string[] {
  const [first, second] = [safetyHalf(a), safetyHalf(b)].sort((x, y) => (x.join('') < y.join('') ? -1 : 1));
  return [...(first as string[]), ...(second as string[])];
}
