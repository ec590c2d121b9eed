import type { EntenteError } from '../errors';
import { MarkingError } from './marking-parse';

/** One policy's refusal of a marking read under several. */
export interface MarkingRefusal {
  policyId: string;
  error: EntenteError;
}

/**
 * Every error but an unknown word means the policy took the marking for one of its own and names what
 * is wrong with it (a value twice, a value out of place, an invalid or ambiguous label).
 */
const recognised = (error: EntenteError): boolean => error.code !== 'marking_unknown_token';

/** How far into the text a policy read before it refused; without an offset, a recognised marking was read whole. */
const reach = (error: EntenteError, length: number): number => (error instanceof MarkingError ? error.offset : recognised(error) ? length : 0);

/**
 * Which refusal to show when no policy reads a marking: the one that recognised it, else the one that
 * read furthest. Showing the first policy's instead makes "NATO SECRET REL TO FRA, FRA" under EU and
 * NATO an "unknown token NATO" (EU's) rather than NATO's "names FRA twice". A tie goes to the lower
 * policy OID, so the answer does not depend on the order the policies were given in.
 */
export function mostInformativeRefusal(refusals: readonly MarkingRefusal[], text: string): EntenteError | undefined {
  const rank = (r: MarkingRefusal): [number, number] => [recognised(r.error) ? 1 : 0, reach(r.error, text.length)];
  const better = (a: MarkingRefusal, b: MarkingRefusal): boolean => {
    const [ra, rb] = [rank(a), rank(b)];
    if (ra[0] !== rb[0]) return ra[0] > rb[0];
    if (ra[1] !== rb[1]) return ra[1] > rb[1];
    return a.policyId < b.policyId;
  };
  return refusals.reduce<MarkingRefusal | undefined>((best, r) => (best === undefined || better(r, best) ? r : best), undefined)?.error;
}
