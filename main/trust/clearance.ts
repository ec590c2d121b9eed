import { EntenteError } from '../../shared/errors';
import { mostInformativeRefusal, type MarkingRefusal } from '../../shared/labels/marking-refusal';
import {
  lookupCategory,
  normalizeClearance,
  parseClearanceMarking,
  parseLabelMarking,
  viewOf,
  type CategoryRef,
  type Clearance,
  type Policy,
  type PolicyRegistry,
} from '../policy';

/**
 * Clearances as credentials carry them: read from what a security officer types (a clearance marking,
 * plus categories the policy does not show in markings) and checked against the policy, on issue and
 * again on every import.
 */

/**
 * Every classification and category of `clearance` exists in a loaded policy that the agency's card
 * lists; otherwise `credential_clearance_unknown` naming the first unknown item.
 */
export function checkClearanceKnown(registry: PolicyRegistry, agencyPolicies: readonly string[], clearance: Clearance): Policy {
  const unknown = (what: string) => new EntenteError('credential_clearance_unknown', what);
  if (!agencyPolicies.includes(clearance.policyId)) throw unknown(`the clearance is under policy ${clearance.policyId}, which the issuing agency's card does not list`);
  const policy = registry.get(clearance.policyId);
  if (policy === undefined) throw unknown(`the clearance is under policy ${clearance.policyId}, which is not loaded here; import its SPIF first`);
  const view = viewOf(policy);
  if (clearance.classifications.length === 0) throw unknown('the clearance lists no classification');
  for (const lacv of clearance.classifications) {
    if (!view.classByLacv.has(lacv)) throw unknown(`policy ${policy.name} has no classification ${lacv}`);
  }
  for (const ref of clearance.categories) {
    if (lookupCategory(view, ref) === undefined) throw unknown(`policy ${policy.name} has no category ${ref.tagSetId} ${ref.tagType} ${ref.lacv}`);
  }
  return policy;
}

/**
 * `TAGSET=VALUE`: the tag set by name (any case) or OID, the value by name (any case) or number. Used
 * for values a SPIF hides from markings (NATO's "Releasable To/NATO"), which a marking cannot state.
 */
export function parseCategoryArg(policy: Policy, arg: string): CategoryRef {
  const eq = arg.indexOf('=');
  if (eq <= 0 || eq === arg.length - 1) throw new EntenteError('invalid_input', `--category must be TAGSET=VALUE, got "${arg}"`);
  const setText = arg.slice(0, eq).trim();
  const valueText = arg.slice(eq + 1).trim();
  const view = viewOf(policy);
  const tagSet = view.tagSetById.get(setText) ?? policy.tagSets.find((t) => t.name.toLowerCase() === setText.toLowerCase());
  if (tagSet === undefined) throw new EntenteError('credential_clearance_unknown', `policy ${policy.name} has no tag set "${setText}"`);
  const matches = view.categories.filter(
    (c) => c.tagSet.id === tagSet.id && (c.category.name.toLowerCase() === valueText.toLowerCase() || String(c.category.lacv) === valueText),
  );
  const distinct = new Map(matches.map((m) => [`${m.ref.tagType}|${m.ref.lacv}`, m.ref]));
  if (distinct.size === 0) throw new EntenteError('credential_clearance_unknown', `tag set ${tagSet.name} has no value "${valueText}"`);
  if (distinct.size > 1) throw new EntenteError('marking_ambiguous', `"${valueText}" names several values of ${tagSet.name} (different tag types); give its number`);
  return [...distinct.values()][0] as CategoryRef;
}

/**
 * A clearance written either as a clearance marking ("{UNCLASSIFIED|…|SECRET} REL TO FRA", the
 * spiffing form, listing each classification) or, as security officers say it, as the highest label
 * the officer may read ("NATO SECRET REL TO FRA"): that label's categories and every classification
 * at or below its level in the policy's hierarchy.
 */
function readClearanceText(policy: Policy, marking: string, lang: string, hidden: CategoryRef[]): Clearance {
  if (marking.trimStart().startsWith('{')) return parseClearanceMarking(policy, marking, { lang, hidden });
  const ceiling = parseLabelMarking(policy, marking, { lang, hidden });
  const level = policy.classifications.find((c) => c.lacv === ceiling.classification);
  if (level === undefined) throw new EntenteError('credential_clearance_unknown', `policy ${policy.name} has no classification ${ceiling.classification}`);
  const classifications = policy.classifications.filter((c) => c.hierarchy <= level.hierarchy).map((c) => c.lacv);
  return { policyId: policy.id, classifications, categories: ceiling.categories };
}

/**
 * The clearance a marking such as "{UNCLASSIFIED|RESTRICTED|SECRET} ATOMAL REL TO FRA" describes under
 * one of `policyIds`, with the extra `--category` values. The marking must read under exactly one of
 * the policies (or the one named by `policyHint`, an OID or name).
 */
export function clearanceFromMarking(registry: PolicyRegistry, policyIds: readonly string[], marking: string, categories: readonly string[], options: { lang?: string; policyHint?: string } = {}): Clearance {
  let candidates = policyIds.map((id) => registry.require(id));
  if (options.policyHint !== undefined) {
    const hint = options.policyHint.toLowerCase();
    candidates = candidates.filter((p) => p.id === options.policyHint || p.name.toLowerCase() === hint);
    if (candidates.length === 0) throw new EntenteError('label_unknown_policy', `the agency has no policy "${options.policyHint}"`);
  }
  const readings: Clearance[] = [];
  const refusals: MarkingRefusal[] = [];
  for (const policy of candidates) {
    try {
      const hidden = categories.map((c) => parseCategoryArg(policy, c));
      readings.push(readClearanceText(policy, marking, options.lang ?? 'en', hidden));
    } catch (err) {
      if (!(err instanceof EntenteError)) throw err;
      refusals.push({ policyId: policy.id, error: err });
    }
  }
  if (readings.length > 1) throw new EntenteError('marking_ambiguous', 'the clearance marking reads under several of the agency\'s policies; name one with --policy');
  const reading = readings[0];
  if (reading === undefined) throw mostInformativeRefusal(refusals, marking) ?? new EntenteError('credential_clearance_unknown', 'the clearance marking reads under none of the agency\'s policies');
  return normalizeClearance(reading);
}
