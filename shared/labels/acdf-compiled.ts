import { isPermissive, isRestrictive, type Clearance, type Label, type Policy } from './model';
import { lookupCategory, refKey, viewOf } from './policy-view';
import { validateLabel } from './validate';

/**
 * The ACDF for hot paths (every note on every screen): a label and a clearance are compiled once
 * into integer arrays and a bitset, after which a decision is a handful of array reads. It answers
 * exactly as decide() does, without the reasons; decide() explains a deny when the UI needs it.
 */

export const GRANT = 0;
export const DENY_POLICY = 1;
export const DENY_INVALID_LABEL = 2;
export const DENY_CLASSIFICATION = 3;
export const DENY_RESTRICTIVE = 4;
export const DENY_PERMISSIVE = 5;
export type DecisionCode = typeof GRANT | typeof DENY_POLICY | typeof DENY_INVALID_LABEL | typeof DENY_CLASSIFICATION | typeof DENY_RESTRICTIVE | typeof DENY_PERMISSIVE;

export interface CompiledLabel {
  readonly policy: Policy;
  /** False when the label is not valid under its policy (always a deny). */
  readonly valid: boolean;
  readonly classIndex: number;
  readonly restrictive: Int32Array;
  /** One run of category indices per permissive tag; starts[i]..starts[i+1] in `permissive`. */
  readonly permissive: Int32Array;
  readonly starts: Int32Array;
}

export interface CompiledClearance {
  readonly policy: Policy;
  readonly classes: Uint32Array;
  readonly categories: Uint32Array;
}

export function compileLabel(policy: Policy, label: Label): CompiledLabel {
  const view = viewOf(policy);
  const valid = label.policyId === policy.id && validateLabel(policy, label).valid;
  const cls = view.classByLacv.get(label.classification);
  const restrictive: number[] = [];
  const groups = new Map<number, number[]>();
  for (const ref of label.categories) {
    const info = lookupCategory(view, ref);
    if (!info) continue; // makes the label invalid, hence denied
    if (isRestrictive(ref.tagType)) restrictive.push(info.index);
    else if (isPermissive(ref.tagType)) groups.set(info.tag.index, [...(groups.get(info.tag.index) ?? []), info.index]);
  }
  const flat: number[] = [];
  const starts: number[] = [0];
  for (const g of groups.values()) {
    flat.push(...g);
    starts.push(flat.length);
  }
  return {
    policy,
    valid: valid && cls !== undefined,
    classIndex: cls ? cls.index : -1,
    restrictive: Int32Array.from(restrictive),
    permissive: Int32Array.from(flat),
    starts: Int32Array.from(starts),
  };
}

export function compileClearance(policy: Policy, clearance: Clearance): CompiledClearance {
  const view = viewOf(policy);
  const classes = new Uint32Array(Math.ceil(view.classes.length / 32) || 1);
  const categories = new Uint32Array(Math.ceil(view.categories.length / 32) || 1);
  if (clearance.policyId === policy.id) {
    for (const lacv of clearance.classifications) {
      const c = view.classByLacv.get(lacv);
      if (c) classes[c.index >>> 5]! |= 1 << (c.index & 31);
    }
    for (const ref of clearance.categories) {
      const info = view.categoryByKey.get(refKey(ref));
      if (info) categories[info.index >>> 5]! |= 1 << (info.index & 31);
    }
  }
  return { policy, classes, categories };
}

const has = (bits: Uint32Array, i: number): boolean => ((bits[i >>> 5] ?? 0) & (1 << (i & 31))) !== 0;

export function decideCompiled(label: CompiledLabel, clearance: CompiledClearance): DecisionCode {
  if (label.policy !== clearance.policy) return DENY_POLICY;
  if (!label.valid) return DENY_INVALID_LABEL;
  if (!has(clearance.classes, label.classIndex)) return DENY_CLASSIFICATION;
  const r = label.restrictive;
  for (let i = 0; i < r.length; i++) if (!has(clearance.categories, r[i]!)) return DENY_RESTRICTIVE;
  const p = label.permissive;
  const s = label.starts;
  for (let g = 0; g + 1 < s.length; g++) {
    let ok = false;
    for (let i = s[g]!; i < s[g + 1]!; i++) {
      if (has(clearance.categories, p[i]!)) {
        ok = true;
        break;
      }
    }
    if (!ok) return DENY_PERMISSIVE;
  }
  return GRANT;
}
