import { describe, expect, it } from 'vitest';
import {
  compileSpif,
  decide,
  dominates,
  leastUpperBound,
  mapLabel,
  parseClearanceMarking,
  parseLabelMarking,
  PolicyRegistry,
  renderClearanceMarking,
  renderLabelMarking,
  validateLabel,
  type Label,
} from '../../../main/policy';
import { EntenteError } from '../../../shared/errors';
import { suiteRegistry, suiteText } from './suite';

const registry = suiteRegistry();
const nato = registry.require('1.3.26.1.3.1');
const uk = registry.require('1.2.826.0.1.6726289.0.4');
const CTX = '1.3.26.1.4.4';
const REL = '1.3.26.1.4.2';
const ADD = '1.3.26.1.4.1';
const natoLabel = (classification: number, cats: [string, Label['categories'][number]['tagType'], number][]): Label => ({
  policyId: nato.id,
  classification,
  categories: cats.map(([tagSetId, tagType, lacv]) => ({ tagSetId, tagType, lacv })),
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof EntenteError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('SPIF compiler', () => {
  it('compiles the NATO SPIF into the typed model', () => {
    expect(nato.name).toBe('NATO');
    expect(nato.classifications.map((c) => c.name)).toEqual(['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET']);
    expect(nato.tagSets.map((t) => t.name)).toEqual(['Additional Sensitivity', 'Releasable To', 'Only', 'Administrative', 'Context']);
    expect(nato.tagSets[3]?.tags[0]?.tagType).toBe('informative');
    expect(JSON.parse(JSON.stringify(nato))).toEqual(nato);
  });

  it('fails on inconsistent SPIFs with a reason naming the problem', () => {
    const tlp = suiteText('tlp.xml');
    expect(codeOf(() => compileSpif(tlp.replace('lacv="11" hierarchy="2"', 'lacv="10" hierarchy="2"')))).toMatch(/^spif_invalid: Duplicate classification lacv 10 \(GREEN\)/);
    expect(codeOf(() => compileSpif(tlp.replace('name="EU" lacv="0"', 'name="EU" lacv="1"')))).toMatch(/^spif_invalid: Duplicate permissive value 1 in tag set Additional Information/);
    expect(codeOf(() => compileSpif(tlp.replace('policyRef="TLPX" lacv="10"', 'policyRef="TLPZ" lacv="10"')))).toMatch(/policyRef "TLPZ" names no equivalentPolicy/);
    const uk = suiteText('uk-demo.xml');
    expect(codeOf(() => compileSpif(uk.replace('<excludedClass>SECRET</excludedClass>', '<excludedClass>SEKRET</excludedClass>')))).toMatch(/Unknown classification in exclusion: SEKRET/);
    expect(codeOf(() => compileSpif(uk.replace('tagSetRef="Sensitive Descriptors" tagType="restrictive"', 'tagSetRef="Nope" tagType="restrictive"')))).toMatch(/tagSetRef "Nope" names no tag set/);
    expect(codeOf(() => compileSpif(uk.replace('<code>suppressClassName</code>', '<code>sparkle</code>')))).toMatch(/unknown marking code "sparkle"/);
    expect(codeOf(() => compileSpif('<notaspif/>'))).toMatch(/^spif_invalid: not a SPIF/);
  });

  it('the registry refuses a second policy with the same OID and names unknown ones', () => {
    const r = new PolicyRegistry();
    r.loadSpif(suiteText('tlp.xml'));
    expect(codeOf(() => r.loadSpif(suiteText('tlp.xml')))).toMatch(/^spif_invalid: a policy with id/);
    expect(codeOf(() => r.require('9.9'))).toBe('label_unknown_policy: Unknown policy id: 9.9');
    expect(r.byName('tlp')?.id).toBe('1.2.826.0.1.6726289.0.2');
  });
});

describe('validation reasons', () => {
  it('codes each problem', () => {
    const v = validateLabel(nato, natoLabel(1, [[ADD, 'restrictive', 1], [REL, 'enumeratedPermissive', 9999]]));
    expect(v.reasons.map((r) => r.code).sort()).toEqual(['excluded_classification', 'unknown_category']);
    expect(validateLabel(nato, { ...natoLabel(1, []), classification: 77 }).reasons[0]?.code).toBe('unknown_classification');
    const food = registry.require('1.2.826.0.1.6726289.0.0');
    const lux: Label = { policyId: food.id, classification: 52, categories: [] };
    expect(validateLabel(food, lux).reasons.map((r) => r.code)).toEqual(['required_category_missing']);
  });
});

describe('ACDF', () => {
  const label = natoLabel(3, [[ADD, 'restrictive', 1], [CTX, 'permissive', 1001], [REL, 'enumeratedPermissive', 1001], [REL, 'enumeratedPermissive', 826]]);
  const cleared = { policyId: nato.id, classifications: [1, 2, 3], categories: [{ tagSetId: ADD, tagType: 'restrictive' as const, lacv: 1 }, { tagSetId: CTX, tagType: 'permissive' as const, lacv: 1001 }, { tagSetId: REL, tagType: 'enumeratedPermissive' as const, lacv: 826 }] };

  it('grants when all restrictive values and one value of each permissive tag are held', () => {
    expect(decide(nato, label, cleared)).toEqual({ granted: true, reasons: [] });
  });

  it('denies with every reason', () => {
    const d = decide(nato, label, { policyId: nato.id, classifications: [1], categories: [] });
    expect(d.granted).toBe(false);
    expect(d.reasons.map((r) => r.code)).toEqual(['classification_not_cleared', 'restrictive_category_not_held', 'permissive_category_not_matched', 'permissive_category_not_matched']);
  });

  it('denies a missing label or clearance, another policy and an invalid label', () => {
    expect(decide(nato, undefined, cleared).reasons[0]?.code).toBe('label_missing');
    expect(decide(nato, label, undefined).reasons[0]?.code).toBe('clearance_missing');
    expect(decide(undefined, label, cleared).reasons[0]?.code).toBe('unknown_policy');
    expect(decide(nato, label, { ...cleared, policyId: uk.id }).reasons[0]?.code).toBe('policy_mismatch');
    expect(decide(nato, natoLabel(1, [[ADD, 'restrictive', 1]]), { ...cleared, classifications: [1] }).reasons[0]?.code).toBe('label_invalid');
  });
});

describe('markings', () => {
  it('renders NATO in French with the COSMIC replacement kept from the untagged data', () => {
    expect(renderLabelMarking(nato, natoLabel(5, []), { lang: 'fr' })).toBe('COSMIC TRES SECRET');
    expect(renderLabelMarking(nato, natoLabel(4, [[ADD, 'restrictive', 1], [ADD, 'restrictive', 9]]))).toBe('NATO SECRET ATOMAL BOHEMIA');
  });

  it('parses a marking back, naming an unknown token', () => {
    const l = natoLabel(4, [[ADD, 'restrictive', 1], [ADD, 'restrictive', 9]]);
    expect(parseLabelMarking(nato, 'NATO SECRET ATOMAL BOHEMIA', { hidden: [] })).toEqual(l);
    expect(codeOf(() => parseLabelMarking(nato, 'NATO SECRET ATOMAL BOHEMIAN', { hidden: [] }))).toMatch(/^marking_unknown_token: unknown marking token "BOHEMIAN"/);
    expect(codeOf(() => parseLabelMarking(nato, 'NATO SEKRET', { hidden: [] }))).toMatch(/^marking_unknown_token: unknown marking token "SEKRET"/);
  });

  it('says which hidden values make a marking ambiguous', () => {
    expect(codeOf(() => parseLabelMarking(nato, 'NATO UNCLASSIFIED'))).toMatch(/^marking_ambiguous: .*(Context|Releasable To)\/(NATO|Releasable)/);
    const withCtx = natoLabel(1, [[CTX, 'permissive', 1001]]);
    expect(parseLabelMarking(nato, 'NATO UNCLASSIFIED', { hidden: withCtx.categories })).toEqual(withCtx);
  });

  it('refuses a marking of an invalid label', () => {
    expect(codeOf(() => parseLabelMarking(nato, 'NATO UNCLASSIFIED ATOMAL', { hidden: [] }))).toMatch(/^label_invalid: .*ATOMAL may not be used at UNCLASSIFIED/);
  });

  it('renders and parses clearances', () => {
    const c = { policyId: uk.id, classifications: [10, 4], categories: [{ tagSetId: '1.2.826.0.1.6726289.0.4.3', tagType: 'permissive' as const, lacv: 0 }] };
    const text = renderClearanceMarking(uk, c);
    expect(text).toBe('DEMO-{OFFICIAL|SECRET} - UK EYES ONLY');
    expect(parseClearanceMarking(uk, text)).toEqual({ ...c, classifications: [10, 4] });
  });
});

describe('dominance, least upper bound, equivalence', () => {
  const a = natoLabel(2, [[CTX, 'permissive', 1001], [REL, 'enumeratedPermissive', 1001], [REL, 'enumeratedPermissive', 826], [REL, 'enumeratedPermissive', 250]]);
  const b = natoLabel(4, [[ADD, 'restrictive', 3], [CTX, 'permissive', 1001], [REL, 'enumeratedPermissive', 1001], [REL, 'enumeratedPermissive', 826]]);

  it('orders labels by hierarchy, restrictive values and narrower releasability', () => {
    expect(dominates(nato, b, a)).toBe(true);
    expect(dominates(nato, a, b)).toBe(false);
    const lub = leastUpperBound(nato, [a, b]);
    expect(lub.classification).toBe(4);
    expect(lub.categories.filter((c) => c.tagSetId === REL).map((c) => c.lacv)).toEqual([826, 1001]);
  });

  it('has no upper bound when releasabilities share nothing', () => {
    const x = natoLabel(1, [[REL, 'enumeratedPermissive', 826]]);
    const y = natoLabel(1, [[REL, 'enumeratedPermissive', 250]]);
    expect(codeOf(() => leastUpperBound(nato, [x, y]))).toMatch(/^label_no_upper_bound: no common value of Releasable To/);
  });

  it('says when no equivalent exists and never touches the input', () => {
    const tlpx = registry.require('1.2.826.0.1.6726289.0.1');
    const label = Object.freeze({ policyId: tlpx.id, classification: 13, categories: Object.freeze([{ tagSetId: '1.2.826.0.1.6726289.0.1.2', tagType: 'restrictive' as const, lacv: 0 }]) }) as Label;
    const r = mapLabel(tlpx, registry.require('1.2.826.0.1.6726289.0.2'), label);
    expect(r).toMatchObject({ ok: false, failure: 'no_equivalent_category' });
    expect(mapLabel(tlpx, nato, label)).toMatchObject({ ok: false, failure: 'no_equivalent_classification' });
  });

  it('maps back on receipt through the target policy\u2019s decrypt equivalences', () => {
    const tlp = registry.require('1.2.826.0.1.6726289.0.2');
    const tlpx = registry.require('1.2.826.0.1.6726289.0.1');
    const r = mapLabel(tlp, tlpx, { policyId: tlp.id, classification: 13, categories: [] }, 'decrypt');
    expect(r).toEqual({ ok: true, label: { policyId: tlpx.id, classification: 13, categories: [] }, discarded: [] });
  });
});
