import { parseLabelMarking, type Label, type Policy, type PolicyRegistry } from '../main/policy';
import { EntenteError } from '../shared/errors';
import { mostInformativeRefusal, type MarkingRefusal } from '../shared/labels/marking-refusal';

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

/**
 * The label a marking names under the given policies: the one policy that reads it. Read under two it
 * is ambiguous; under none, the most informative refusal is thrown (shared/labels/marking-refusal.ts).
 */
export function readMarking(registry: PolicyRegistry, text: string, lang: string, advice: MarkingAdvice): MarkingReading {
  const read: MarkingReading[] = [];
  const refusals: MarkingRefusal[] = [];
  for (const policy of registry.list()) {
    try {
      read.push({ policy, label: parseLabelMarking(policy, text, { lang }) });
    } catch (err) {
      if (!(err instanceof EntenteError)) throw err;
      refusals.push({ policyId: policy.id, error: err });
    }
  }
  const [only, ...others] = read;
  if (only !== undefined && others.length === 0) return only;
  if (only !== undefined) throw new EntenteError('marking_ambiguous', `the marking reads under several policies (${read.map((p) => p.policy.name).join(', ')}); ${advice.ambiguous}`);
  throw mostInformativeRefusal(refusals, text) ?? new EntenteError('label_unknown_policy', advice.noPolicy);
}
