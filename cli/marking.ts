import { parseLabelMarking, type Label, type Policy, type PolicyRegistry } from '../main/policy';
import { EntenteError } from '../shared/errors';
import { MarkingError } from '../shared/labels/marking-parse';

/** A free-text marking read under the one policy that reads it. */
export interface MarkingReading {
  policy: Policy;
  label: Label;
}

/** What the officer can do about it, in the words of the command that read the marking. */
export interface MarkingAdvice {
  /** Follows "the marking reads under several policies (…);". */
  ambiguous: string;
  /** The whole message when there is no policy to read the marking under. */
  noPolicy: string;
}

interface Refusal {
  policy: Policy;
  error: EntenteError;
}

/**
 * How far into the text a policy read before it refused (MarkingError's offset). An error without one
 * that is not about an unknown word (an invalid label, several readings) came from reading the whole marking.
 */
function reach(error: EntenteError, text: string): number {
  if (error instanceof MarkingError) return error.offset;
  return recognised(error) ? text.length : 0;
}

/**
 * Every error but an unknown word means the policy took the marking for one of its own and names what
 * is wrong with it (a value twice, a value out of place, an invalid or ambiguous label).
 */
const recognised = (error: EntenteError): boolean => error.code !== 'marking_unknown_token';

/**
 * Which policy's refusal to show when none reads the marking: the one that recognised it, else the one
 * that read furthest. Showing the first policy's instead makes "NATO SECRET REL TO FRA, FRA" under
 * EU and NATO an "unknown token NATO" (EU's) rather than NATO's "names FRA twice". A tie goes to the
 * lower policy OID, so the answer does not depend on the order the policies were given in.
 */
function mostInformative(refusals: readonly Refusal[], text: string): EntenteError | undefined {
  const rank = (r: Refusal): [number, number] => [recognised(r.error) ? 1 : 0, reach(r.error, text)];
  const better = (a: Refusal, b: Refusal): boolean => {
    const [ra, rb] = [rank(a), rank(b)];
    if (ra[0] !== rb[0]) return ra[0] > rb[0];
    if (ra[1] !== rb[1]) return ra[1] > rb[1];
    return a.policy.id < b.policy.id;
  };
  return refusals.reduce<Refusal | undefined>((best, r) => (best === undefined || better(r, best) ? r : best), undefined)?.error;
}

/**
 * The label a marking names under the given policies: the one policy that reads it. Read under two it
 * is ambiguous; under none, the most informative refusal is thrown (mostInformative).
 */
export function readMarking(registry: PolicyRegistry, text: string, lang: string, advice: MarkingAdvice): MarkingReading {
  const read: MarkingReading[] = [];
  const refusals: Refusal[] = [];
  for (const policy of registry.list()) {
    try {
      read.push({ policy, label: parseLabelMarking(policy, text, { lang }) });
    } catch (err) {
      if (!(err instanceof EntenteError)) throw err;
      refusals.push({ policy, error: err });
    }
  }
  const [only, ...others] = read;
  if (only !== undefined && others.length === 0) return only;
  if (only !== undefined) throw new EntenteError('marking_ambiguous', `the marking reads under several policies (${read.map((p) => p.policy.name).join(', ')}); ${advice.ambiguous}`);
  throw mostInformative(refusals, text) ?? new EntenteError('label_unknown_policy', advice.noPolicy);
}
