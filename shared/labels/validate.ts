import type { CategoryMatcher, CategoryRef, Label, Policy, Requirement } from './model';
import { lookupCategory, viewOf, type CategoryInfo, type PolicyView } from './policy-view';
import type { Reason, Validation } from './reasons';

/** "Releasable To/GBR": how messages name a category (names are for people, numbers are the data). */
export function describeCategory(view: PolicyView, ref: CategoryRef): string {
  const info = lookupCategory(view, ref);
  if (info) return `${info.tagSet.name}/${info.category.name}`;
  const ts = view.tagSetById.get(ref.tagSetId);
  return `${ts ? ts.name : ref.tagSetId}/${ref.tagType}:${ref.lacv}`;
}

export function describeClass(view: PolicyView, lacv: number): string {
  return view.classByLacv.get(lacv)?.cls.name ?? `classification ${lacv}`;
}

const matcherHits = (m: CategoryMatcher, held: readonly CategoryInfo[]): boolean =>
  held.some((c) => c.ref.tagSetId === m.tagSetId && c.ref.tagType === m.tagType && (m.lacv === null || c.ref.lacv === m.lacv));

/** Whether a set of categories satisfies one required-category rule (all / oneOrMore / onlyOne). */
export function requirementMet(req: Requirement, held: readonly CategoryInfo[]): boolean {
  let hits = 0;
  for (const g of req.groups) if (matcherHits(g, held)) hits++;
  if (req.operation === 'all') return hits === req.groups.length;
  if (req.operation === 'oneOrMore') return hits >= 1;
  return hits === 1;
}

function describeRequirement(view: PolicyView, req: Requirement): string {
  const names = req.groups.map((g) => {
    const ts = view.tagSetById.get(g.tagSetId);
    if (g.lacv === null) return `any ${g.tagType} value of ${ts?.name ?? g.tagSetId}`;
    return describeCategory(view, { tagSetId: g.tagSetId, tagType: g.tagType, lacv: g.lacv });
  });
  const op = req.operation === 'all' ? 'all of' : req.operation === 'oneOrMore' ? 'one or more of' : 'exactly one of';
  return `${op} ${names.join(', ')}`;
}

/**
 * Checks a label against its policy: known policy, classification and values; classifications a
 * category excludes; categories that exclude each other; required categories; single-selection tags.
 * Every problem is reported, not just the first, so a security officer sees the whole picture.
 */
export function validateLabel(policy: Policy, label: Label): Validation {
  const view = viewOf(policy);
  const reasons: Reason[] = [];
  if (label.policyId !== policy.id) {
    reasons.push({ code: 'policy_mismatch', message: `label is under policy ${label.policyId}, not ${policy.id}`, policyId: label.policyId });
    return { valid: false, reasons };
  }
  const cls = view.classByLacv.get(label.classification);
  if (!cls) {
    reasons.push({ code: 'unknown_classification', message: `policy ${policy.name} has no classification ${label.classification}`, classification: label.classification });
  }
  const held: CategoryInfo[] = [];
  for (const ref of label.categories) {
    const info = lookupCategory(view, ref);
    if (!info) reasons.push({ code: 'unknown_category', message: `policy ${policy.name} has no category ${describeCategory(view, ref)}`, category: ref });
    else if (!held.includes(info)) held.push(info);
  }
  if (cls) {
    for (const req of cls.cls.required) {
      if (!requirementMet(req, held)) {
        reasons.push({ code: 'required_category_missing', message: `${cls.cls.name} requires ${describeRequirement(view, req)}`, classification: cls.cls.lacv });
      }
    }
  }
  for (const info of held) {
    const name = `${info.tagSet.name}/${info.category.name}`;
    if (cls && info.category.excludedClasses.includes(cls.cls.lacv)) {
      reasons.push({ code: 'excluded_classification', message: `${name} may not be used at ${cls.cls.name}`, category: info.ref, classification: cls.cls.lacv });
    }
    for (const ex of info.category.excludedCategories) {
      for (const other of held) {
        if (other !== info && matcherHits(ex, [other])) {
          reasons.push({ code: 'excluded_category', message: `${name} excludes ${other.tagSet.name}/${other.category.name}`, category: info.ref });
        }
      }
    }
    for (const req of info.category.required) {
      if (!requirementMet(req, held)) {
        reasons.push({ code: 'required_category_missing', message: `${name} requires ${describeRequirement(view, req)}`, category: info.ref });
      }
    }
  }
  const perTag = new Map<number, number>();
  for (const info of held) perTag.set(info.tag.index, (perTag.get(info.tag.index) ?? 0) + 1);
  for (const [tagIndex, n] of perTag) {
    const t = view.tags[tagIndex];
    if (t && t.tag.singleSelection && n > 1) {
      reasons.push({ code: 'single_selection_violated', message: `${t.tagSet.name}/${t.tag.name} allows one value, the label has ${n}` });
    }
  }
  return { valid: reasons.length === 0, reasons };
}
