import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileClearance,
  compileLabel,
  decide,
  decideCompiled,
  dominates,
  GRANT,
  leastUpperBound,
  normalizeLabel,
  parseLabelMarking,
  renderLabelMarking,
  validateLabel,
  viewOf,
  type Clearance,
  type Label,
  type Policy,
} from '../../../main/policy';
import { markingTables } from '../../../shared/labels/marking-tables';
import { EntenteError } from '../../../shared/errors';
import { compileSuitePolicy } from './suite';

const POLICIES: [string, Policy][] = [
  ['food', compileSuitePolicy('food-policy.xml')],
  ['tlp', compileSuitePolicy('tlp.xml')],
  ['tlp-plus', compileSuitePolicy('tlp-plus.xml')],
  ['uk-demo', compileSuitePolicy('uk-demo.xml')],
  ['nato', compileSuitePolicy('nato-4774-policy.xml')],
];

/** Any label of the policy (valid or not): a classification and up to six of its values. */
const anyLabel = (p: Policy): fc.Arbitrary<Label> => {
  const view = viewOf(p);
  return fc.record({
    classification: fc.constantFrom(...p.classifications.map((c) => c.lacv)),
    categories: fc.subarray(view.categories.map((c) => c.ref), { maxLength: Math.min(6, view.categories.length) }),
  }).map(({ classification, categories }) => normalizeLabel({ policyId: p.id, classification, categories }));
};

const validLabel = (p: Policy): fc.Arbitrary<Label> => anyLabel(p).filter((l) => validateLabel(p, l).valid);

const anyClearance = (p: Policy): fc.Arbitrary<Clearance> => {
  const view = viewOf(p);
  return fc.record({
    classifications: fc.subarray(p.classifications.map((c) => c.lacv)),
    categories: fc.subarray(view.categories.map((c) => c.ref), { maxLength: Math.min(40, view.categories.length) }),
  }).map((c) => ({ policyId: p.id, ...c }));
};

const hiddenOf = (p: Policy, l: Label, lang: string) => {
  const t = markingTables(p, lang, 'pageBottom');
  return l.categories.filter((r) => t.categories[t.view.categoryByKey.get(`${r.tagSetId}|${r.tagType}|${r.lacv}`)?.index ?? -1]?.phrase === '');
};

/** Another valid label (here: another classification, which suppressClassName can hide) with the same marking. */
const twinExists = (p: Policy, label: Label, text: string, lang: string): boolean =>
  p.classifications.some((c) => {
    if (c.lacv === label.classification) return false;
    const twin = { ...label, classification: c.lacv };
    return validateLabel(p, twin).valid && renderLabelMarking(p, twin, { lang }) === text;
  });

describe.each(POLICIES)('properties of %s', (_name, policy) => {
  it('parse(render(label)) == label for valid labels, in English and French', () => {
    fc.assert(
      fc.property(validLabel(policy), fc.constantFrom('', 'fr'), (label, lang) => {
        const text = renderLabelMarking(policy, label, { lang });
        let parsed: Label;
        try {
          parsed = parseLabelMarking(policy, text, { lang, hidden: hiddenOf(policy, label, lang) });
        } catch (e) {
          // Only a genuine ambiguity is acceptable: another valid label that renders the same.
          expect((e as EntenteError).code).toBe('marking_ambiguous');
          expect(twinExists(policy, label, text, lang)).toBe(true);
          return;
        }
        expect(parsed).toEqual(label);
      }),
      { numRuns: 60 },
    );
  });

  it('parses without help when the policy hides nothing', () => {
    const hides = markingTables(policy, '', 'pageBottom').categories.some((c) => c.phrase === '');
    fc.assert(
      fc.property(validLabel(policy), (label) => {
        const text = renderLabelMarking(policy, label);
        if (hides && hiddenOf(policy, label, '').length > 0) {
          expect(() => parseLabelMarking(policy, text)).toThrow(EntenteError);
        } else if (!hides && !twinExists(policy, label, text, '')) {
          expect(parseLabelMarking(policy, text)).toEqual(label);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('raising a clearance never turns a grant into a deny, and the compiled ACDF agrees', () => {
    fc.assert(
      fc.property(anyLabel(policy), anyClearance(policy), anyClearance(policy), (label, c1, extra) => {
        const raised: Clearance = { policyId: policy.id, classifications: [...c1.classifications, ...extra.classifications], categories: [...c1.categories, ...extra.categories] };
        const before = decide(policy, label, c1);
        const after = decide(policy, label, raised);
        if (before.granted) expect(after.granted).toBe(true);
        expect(decideCompiled(compileLabel(policy, label), compileClearance(policy, c1)) === GRANT).toBe(before.granted);
        expect(decideCompiled(compileLabel(policy, label), compileClearance(policy, raised)) === GRANT).toBe(after.granted);
      }),
      { numRuns: 200 },
    );
  });

  it('the least upper bound dominates each input', () => {
    fc.assert(
      fc.property(fc.array(validLabel(policy), { minLength: 1, maxLength: 4 }), (labels) => {
        let lub: Label;
        try {
          lub = leastUpperBound(policy, labels);
        } catch (e) {
          expect((e as EntenteError).code).toBe('label_no_upper_bound');
          return;
        }
        for (const l of labels) expect(dominates(policy, lub, l)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
