import type { CategoryRef, ForeignRequirement, Label, Policy } from './model';
import { normalizeCategories } from './model';
import { lookupCategory, refKey, viewOf } from './policy-view';
import type { Reason } from './reasons';
import { describeCategory, validateLabel } from './validate';

/**
 * Mapping a label to another policy through the SPIFs' equivalences. Mapping is lossy and may fail;
 * it never changes the label it is given (the originator's label is never overwritten: the result
 * is an alternative label, carried beside the original).
 *
 * 'encrypt' (sending): the SOURCE policy's equivalentClassification / equivalentSecCategoryTag entries
 * with applied="encrypt|both" pointing at the target, plus the categories the SPIF requires be added.
 * 'decrypt' (receiving): the TARGET policy's entries with applied="decrypt|both" pointing at the source.
 */
export type MapFailure =
  | 'no_equivalent_policy'
  | 'no_equivalent_classification'
  | 'no_equivalent_category'
  | 'unresolvable_requirement'
  | 'equivalent_invalid';

export type MapResult =
  | { ok: true; label: Label; discarded: CategoryRef[] }
  | { ok: false; failure: MapFailure; message: string; reasons?: Reason[] };

export type Direction = 'encrypt' | 'decrypt';

const appliesTo = (applied: string, dir: Direction): boolean => applied === 'both' || applied === dir;

function resolveForeign(target: Policy, reqs: readonly ForeignRequirement[], cats: CategoryRef[]): string | undefined {
  const view = viewOf(target);
  for (const req of reqs) {
    const refs: (CategoryRef | null)[] = [];
    for (const g of req.groups) {
      const ts = view.tagSetByName.get(g.tagSetName);
      if (!ts) return `${target.name} has no tag set named ${g.tagSetName}`;
      refs.push(g.lacv === null ? null : { tagSetId: ts.id, tagType: g.tagType, lacv: g.lacv });
    }
    const held = (r: CategoryRef | null): boolean => r !== null && cats.some((c) => refKey(c) === refKey(r));
    const toAdd = req.operation === 'all' ? refs.filter((r) => !held(r)) : refs.some(held) ? [] : refs.slice(0, 1);
    for (const r of toAdd) {
      if (r === null) return `a required category of ${target.name} names no value, so it cannot be added`;
      if (!lookupCategory(view, r)) return `${target.name} has no category ${describeCategory(view, r)}`;
      cats.push(r);
    }
  }
  return undefined;
}

export function mapLabel(source: Policy, target: Policy, label: Label, direction: Direction = 'encrypt'): MapResult {
  if (label.policyId !== source.id) return { ok: false, failure: 'no_equivalent_policy', message: `label is under ${label.policyId}, not ${source.id}` };
  if (source.id === target.id) return { ok: true, label: { ...label, categories: normalizeCategories(label.categories) }, discarded: [] };
  const sv = viewOf(source);
  const tv = viewOf(target);
  const srcClass = sv.classByLacv.get(label.classification);
  if (!srcClass) return { ok: false, failure: 'no_equivalent_classification', message: `${source.name} has no classification ${label.classification}` };
  const cats: CategoryRef[] = [];
  const discarded: CategoryRef[] = [];
  let classLacv: number | undefined;
  const fixups: ForeignRequirement[] = [];

  if (direction === 'encrypt') {
    const eq = srcClass.cls.equivalents.find((e) => e.policyId === target.id && appliesTo(e.applied, 'encrypt'));
    if (eq) {
      classLacv = eq.lacv;
      fixups.push(...eq.required);
    }
  } else {
    const candidates = tv.classes.filter(({ cls }) => cls.equivalents.some((e) => e.policyId === source.id && e.lacv === label.classification && appliesTo(e.applied, 'decrypt')));
    // Several target levels claiming the same source level: take the highest, never the lower.
    classLacv = candidates.at(-1)?.cls.lacv;
  }
  if (classLacv === undefined || !tv.classByLacv.has(classLacv)) {
    return { ok: false, failure: 'no_equivalent_classification', message: `${srcClass.cls.name} has no equivalent in ${target.name}` };
  }

  for (const ref of label.categories) {
    const info = lookupCategory(sv, ref);
    if (!info) return { ok: false, failure: 'no_equivalent_category', message: `${source.name} has no category ${describeCategory(sv, ref)}` };
    let mapped = false;
    if (direction === 'encrypt') {
      for (const e of info.category.equivalents) {
        if (e.policyId !== target.id || !appliesTo(e.applied, 'encrypt')) continue;
        mapped = true;
        if (e.action === 'discard') discarded.push(ref);
        else cats.push({ tagSetId: e.tagSetId, tagType: e.tagType, lacv: e.lacv });
      }
    } else {
      for (const t of tv.categories) {
        for (const e of t.category.equivalents) {
          if (e.action !== 'map' || e.policyId !== source.id || !appliesTo(e.applied, 'decrypt')) continue;
          if (e.tagSetId === ref.tagSetId && e.tagType === ref.tagType && e.lacv === ref.lacv) {
            mapped = true;
            cats.push(t.ref);
          }
        }
      }
    }
    if (!mapped) {
      return { ok: false, failure: 'no_equivalent_category', message: `${describeCategory(sv, ref)} has no equivalent in ${target.name}` };
    }
  }
  for (const c of cats) {
    if (!lookupCategory(tv, c)) return { ok: false, failure: 'no_equivalent_category', message: `${target.name} has no category ${describeCategory(tv, c)}` };
  }
  if (direction === 'encrypt') {
    const ep = source.equivalentPolicies.find((p) => p.id === target.id);
    if (!ep) return { ok: false, failure: 'no_equivalent_policy', message: `${source.name} declares no equivalence with ${target.name}` };
    fixups.push(...ep.required);
    const problem = resolveForeign(target, fixups, cats);
    if (problem) return { ok: false, failure: 'unresolvable_requirement', message: problem };
  }
  const out: Label = { ...label, policyId: target.id, classification: classLacv, categories: normalizeCategories(cats) };
  delete out.privacyMark; // a privacy mark is free text of the source policy, not an equivalent
  const v = validateLabel(target, out);
  if (!v.valid) return { ok: false, failure: 'equivalent_invalid', message: `the equivalent under ${target.name} would not be valid`, reasons: v.reasons };
  return { ok: true, label: out, discarded };
}
