import { isPermissive, isRestrictive, type Clearance, type Label, type Policy } from './model';
import { lookupCategory, refKey, viewOf, type CategoryInfo } from './policy-view';
import type { Decision, Reason } from './reasons';
import { describeCategory, validateLabel } from './validate';

/**
 * The access control decision (ACDF), as spiffing and XEP-0258 take it, made strict:
 *  - a missing label or clearance, another policy, an unknown classification or value, or a label
 *    that is not valid under its policy → deny;
 *  - the label's classification must be one the clearance lists;
 *  - every restrictive (incl. enumerated restrictive) value of the label must be held;
 *  - for each permissive tag (incl. enumerated permissive) the label uses, the clearance must hold at
 *    least one of the label's values of that tag;
 *  - informative values are ignored.
 * All failing reasons are returned, so the UI can say everything that blocks access.
 */
export function decide(policy: Policy | undefined, label: Label | undefined, clearance: Clearance | undefined): Decision {
  const reasons: Reason[] = [];
  if (!label) return { granted: false, reasons: [{ code: 'label_missing', message: 'no label' }] };
  if (!clearance) return { granted: false, reasons: [{ code: 'clearance_missing', message: 'no clearance' }] };
  if (!policy) return { granted: false, reasons: [{ code: 'unknown_policy', message: `policy ${label.policyId} is not loaded`, policyId: label.policyId }] };
  if (clearance.policyId !== policy.id || label.policyId !== policy.id) {
    return { granted: false, reasons: [{ code: 'policy_mismatch', message: `label (${label.policyId}) and clearance (${clearance.policyId}) must both be under ${policy.id}` }] };
  }
  const view = viewOf(policy);
  const validation = validateLabel(policy, label);
  if (!validation.valid) {
    reasons.push({ code: 'label_invalid', message: `the label is not valid under ${policy.name}` }, ...validation.reasons);
  }
  if (!clearance.classifications.includes(label.classification)) {
    const name = view.classByLacv.get(label.classification)?.cls.name ?? String(label.classification);
    reasons.push({ code: 'classification_not_cleared', message: `not cleared for ${name}`, classification: label.classification });
  }
  const held = new Set(clearance.categories.map(refKey));
  const permissive = new Map<number, CategoryInfo[]>();
  for (const ref of label.categories) {
    const info = lookupCategory(view, ref);
    if (!info) continue; // already reported by validation as unknown_category
    if (isRestrictive(ref.tagType)) {
      if (!held.has(refKey(ref))) {
        reasons.push({ code: 'restrictive_category_not_held', message: `not cleared for ${describeCategory(view, ref)}`, category: ref });
      }
    } else if (isPermissive(ref.tagType)) {
      const group = permissive.get(info.tag.index) ?? [];
      group.push(info);
      permissive.set(info.tag.index, group);
    }
  }
  for (const group of permissive.values()) {
    if (!group.some((g) => held.has(refKey(g.ref)))) {
      const first = group[0] as CategoryInfo;
      reasons.push({
        code: 'permissive_category_not_matched',
        message: `holds none of ${first.tagSet.name}: ${group.map((g) => g.category.name).join(', ')}`,
        category: first.ref,
      });
    }
  }
  return { granted: reasons.length === 0, reasons };
}

/** Convenience for a single yes/no. */
export const mayAccess = (policy: Policy | undefined, label: Label | undefined, clearance: Clearance | undefined): boolean =>
  decide(policy, label, clearance).granted;
