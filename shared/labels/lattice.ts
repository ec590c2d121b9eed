import { EntenteError } from '../errors';
import { isPermissive, isRestrictive, normalizeCategories, type CategoryRef, type Label, type Policy } from './model';
import { lookupCategory, refKey, viewOf, type CategoryInfo, type PolicyView } from './policy-view';

/**
 * Dominance and least upper bound, for "the highest marking on screen" and for quoting several
 * notes. Classifications are ordered by their SPIF hierarchy. Restrictive values add restriction;
 * a permissive tag restricts to its listed values, so FEWER values of a permissive tag is MORE
 * restrictive, and a label without that tag is less restrictive than one with it.
 */

interface Split {
  hierarchy: number;
  restrictive: Set<string>;
  permissive: Map<number, Set<string>>;
  informative: CategoryRef[];
}

function split(view: PolicyView, policy: Policy, label: Label): Split {
  if (label.policyId !== policy.id) throw new EntenteError('label_invalid', `label is under policy ${label.policyId}, not ${policy.id}`);
  const cls = view.classByLacv.get(label.classification);
  if (!cls) throw new EntenteError('label_invalid', `policy ${policy.name} has no classification ${label.classification}`);
  const out: Split = { hierarchy: cls.cls.hierarchy, restrictive: new Set(), permissive: new Map(), informative: [] };
  for (const ref of label.categories) {
    const info: CategoryInfo | undefined = lookupCategory(view, ref);
    if (!info) throw new EntenteError('label_invalid', `policy ${policy.name} has no such category (${refKey(ref)})`);
    if (isRestrictive(ref.tagType)) out.restrictive.add(refKey(ref));
    else if (isPermissive(ref.tagType)) {
      const set = out.permissive.get(info.tag.index) ?? new Set<string>();
      set.add(refKey(ref));
      out.permissive.set(info.tag.index, set);
    } else out.informative.push(ref);
  }
  return out;
}

/** Whether `a` is at least as restrictive as `b` (anyone cleared for a may see b, hierarchy-wise). */
export function dominates(policy: Policy, a: Label, b: Label): boolean {
  const view = viewOf(policy);
  const sa = split(view, policy, a);
  const sb = split(view, policy, b);
  if (sa.hierarchy < sb.hierarchy) return false;
  for (const r of sb.restrictive) if (!sa.restrictive.has(r)) return false;
  for (const [tag, valuesB] of sb.permissive) {
    const valuesA = sa.permissive.get(tag);
    if (!valuesA) return false;
    for (const v of valuesA) if (!valuesB.has(v)) return false;
  }
  return true;
}

const parseKey = (view: PolicyView, key: string): CategoryRef => (view.categoryByKey.get(key) as CategoryInfo).ref;

/**
 * The least upper bound: highest classification, union of restrictive values, intersection of each
 * permissive tag's values, union of informative values. When a permissive tag's intersection is empty
 * no label can express the bound (nobody may be released to), and that is an error, not a guess.
 */
export function leastUpperBound(policy: Policy, labels: readonly Label[]): Label {
  if (labels.length === 0) throw new EntenteError('label_no_upper_bound', 'no labels given');
  const view = viewOf(policy);
  const splits = labels.map((l) => split(view, policy, l));
  let top = labels[0] as Label;
  let topH = -1;
  splits.forEach((s, i) => {
    if (s.hierarchy > topH) {
      topH = s.hierarchy;
      top = labels[i] as Label;
    }
  });
  const keys = new Set<string>();
  const informative: CategoryRef[] = [];
  const permissive = new Map<number, Set<string>>();
  for (const s of splits) {
    for (const r of s.restrictive) keys.add(r);
    informative.push(...s.informative);
    for (const [tag, values] of s.permissive) {
      const acc = permissive.get(tag);
      permissive.set(tag, acc ? new Set([...acc].filter((v) => values.has(v))) : new Set(values));
    }
  }
  for (const [tag, values] of permissive) {
    if (values.size === 0) {
      const t = view.tags[tag];
      throw new EntenteError('label_no_upper_bound', `no common value of ${t ? `${t.tagSet.name}/${t.tag.name}` : 'a permissive tag'}: no single label covers all of them`);
    }
    for (const v of values) keys.add(v);
  }
  return {
    policyId: policy.id,
    classification: top.classification,
    categories: normalizeCategories([...[...keys].map((k) => parseKey(view, k)), ...informative]),
  };
}
