import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  canonicalJsonBytes,
  canonicalLabel,
  normalizeLabel,
  parseCanonicalLabel,
  read4774Label,
  readClearance,
  readEssLabel,
  readLabel,
  readXep0258,
  validateLabel,
  viewOf,
  write4774Label,
  write4774WithAlternatives,
  writeEssLabel,
  writeSpiffyClearance,
  writeSpiffyLabel,
  writeXep0258,
  type Label,
} from '../../../main/policy';
import { EntenteError } from '../../../shared/errors';
import { suiteBytes, suiteRegistry, suiteText } from './suite';

const registry = suiteRegistry();
const nato = registry.require('1.3.26.1.3.1');
const tlpx = registry.require('1.2.826.0.1.6726289.0.1');

const validLabels = (policyId: string): fc.Arbitrary<Label> => {
  const p = registry.require(policyId);
  const cats = viewOf(p).categories.map((c) => c.ref);
  return fc
    .record({ classification: fc.constantFrom(...p.classifications.map((c) => c.lacv)), categories: fc.subarray(cats, { maxLength: Math.min(8, cats.length) }) })
    .map((r) => normalizeLabel({ policyId, ...r }))
    .filter((l) => validateLabel(p, l).valid);
};

describe('label formats round-trip for every suite policy', () => {
  for (const p of registry.list()) {
    it(`${p.name}: ESS DER, 4774, spiffy XML, XEP-0258 and canonical JSON`, () => {
      fc.assert(
        fc.property(validLabels(p.id), (label) => {
          const der = writeEssLabel(p, label);
          expect(readEssLabel(der, registry)).toEqual(label);
          expect(readLabel(der, registry)).toEqual({ format: 'ess-der', label });
          expect(readLabel(write4774Label(p, label), registry)).toEqual({ format: 'stanag-4774', label });
          expect(readLabel(writeSpiffyLabel(label), registry)).toEqual({ format: 'spiffy-xml', label });
          expect(readLabel(writeXep0258(p, label), registry)).toEqual({ format: 'xep-0258', label });
          expect(readLabel(canonicalLabel(label), registry)).toEqual({ format: 'canonical-json', label });
        }),
        { numRuns: 40 },
      );
    });
  }
});

describe('ESS DER', () => {
  it('decodes the suite label and reports its unknown policy', () => {
    expect(() => readLabel(suiteBytes('stupid-label.ber'), registry)).toThrow('Unknown policy id: 1.1');
  });

  it('writes DER: SET members and categories in canonical order, bit maps minimal', () => {
    const der = writeEssLabel(nato, { policyId: nato.id, classification: 4, categories: [{ tagSetId: '1.3.26.1.4.1', tagType: 'restrictive', lacv: 1 }] });
    // SET { INTEGER 4, OID 1.3.26.1.3.1, SET OF { SEQUENCE { [0] restrictive OID, [1] { SEQUENCE { OID 1.3.26.1.4.1, BIT STRING 01 } } } } }
    expect(Buffer.from(der).toString('hex')).toBe(
      '3129' + '020104' + '06052b1a010301' + // SET { INTEGER 4, OID 1.3.26.1.3.1,
        '311d301b' + '800a60864801650201080300' + // SET OF { SEQUENCE { [0] 2.16.840.1.101.2.1.8.3.0,
        'a10d300b' + '06052b1a010401' + '03020640', // [1] { SEQUENCE { OID 1.3.26.1.4.1, BIT STRING '01'B } } } } }
    );
  });
});

describe('STANAG 4774', () => {
  it('reads the suite labels by name and URI, and keeps originator and creation time', () => {
    const { role, label } = read4774Label(suiteText('nato-4774-17-4.nato'), registry);
    expect(role).toBe('originator');
    expect(label.classification).toBe(2);
    const withMeta = write4774Label(nato, { ...label, originator: { idType: 'jID', value: 'officer@example.org' }, created: '2024-05-01T10:00:00.000Z' });
    expect(read4774Label(withMeta, registry).label).toEqual({ ...label, originator: { idType: 'jID', value: 'officer@example.org' }, created: '2024-05-01T10:00:00.000Z' });
  });

  it('names an unknown value, an unknown classification and an unknown policy', () => {
    expect(() => read4774Label(suiteText('nato-4774-17-4.nato').replace('<GenericValue>JPN', '<GenericValue>XXX'), registry)).toThrow('Unknown value "XXX"');
    expect(() => read4774Label(suiteText('nato-4774-17-4.nato').replace('RESTRICTED<', 'SORTOF<'), registry)).toThrow('Unknown classification "SORTOF"');
    expect(() => read4774Label(suiteText('nato-4774-17-4.nato').replace('>NATO</Policy', '>OTAN</Policy'), registry)).toThrow('Unknown policy: OTAN');
  });

  it('writes alternatives beside the originator and never changes the originator', () => {
    const label = Object.freeze({ policyId: tlpx.id, classification: 12, categories: Object.freeze([{ tagSetId: '1.2.826.0.1.6726289.0.1.1', tagType: 'permissive' as const, lacv: 0 }]) }) as Label;
    const out = write4774WithAlternatives(registry, label, ['1.2.826.0.1.6726289.0.2', '1.2.826.0.1.6726289.0.4', '1.3.26.1.3.1']);
    expect(out.originator).toBe(write4774Label(tlpx, label));
    expect(read4774Label(out.originator, registry)).toEqual({ role: 'originator', label });
    expect(out.alternatives).toHaveLength(2);
    for (const alt of out.alternatives) expect(read4774Label(alt, registry).role).toBe('alternative');
    expect(out.unavailable).toEqual([{ policyId: '1.3.26.1.3.1', message: expect.stringContaining('no equivalent') }]);
  });
});

describe('XEP-0258', () => {
  it('carries display marking with colours, the ESS label and equivalent labels', () => {
    const uk = registry.require('1.2.826.0.1.6726289.0.4');
    const label: Label = { policyId: tlpx.id, classification: 12, categories: [{ tagSetId: '1.2.826.0.1.6726289.0.1.1', tagType: 'permissive', lacv: 0 }] };
    const eq: Label = { policyId: uk.id, classification: 4, categories: [{ tagSetId: '1.2.826.0.1.6726289.0.4.3', tagType: 'permissive', lacv: 0 }] };
    const xml = writeXep0258(tlpx, label, { equivalents: [{ policy: uk, label: eq }] });
    expect(xml).toContain('<displaymarking fgcolor="black" bgcolor="#ffaa00">TLPX:AMBER J:EU</displaymarking>');
    const read = readXep0258(xml, registry);
    expect(read).toMatchObject({ label, equivalents: [eq], displayMarkingMatches: true });
  });

  it('does not trust a display marking that differs from the policy rendering', () => {
    const xml = writeXep0258(nato, { policyId: nato.id, classification: 1, categories: [] }).replace('NATO UNCLASSIFIED', 'NATO SECRET');
    expect(readXep0258(xml, registry).displayMarkingMatches).toBe(false);
  });
});

describe('canonical JSON', () => {
  it('is sorted, compact, integer-only UTF-8', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'é'], c: undefined })).toBe('{"a":[true,null,"é"],"b":1}');
    expect([...canonicalJsonBytes({ k: 'é' })]).toEqual([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0x22, 0xc3, 0xa9, 0x22, 0x7d]);
    expect(() => canonicalJson({ x: 1.5 })).toThrow(EntenteError);
    expect(() => canonicalJson({ x: new Date() })).toThrow(EntenteError);
  });

  it('gives one byte string per label whatever the category order, and rejects non-canonical text', () => {
    const a: Label = { policyId: nato.id, classification: 1, categories: [{ tagSetId: '1.3.26.1.4.4', tagType: 'permissive', lacv: 1001 }, { tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 4 }] };
    const b: Label = { ...a, categories: [...a.categories].reverse() };
    expect(canonicalLabel(a)).toBe(canonicalLabel(b));
    expect(canonicalLabel(a)).toBe('{"categories":[{"lacv":4,"tagSetId":"1.3.26.1.4.2","tagType":"enumeratedPermissive"},{"lacv":1001,"tagSetId":"1.3.26.1.4.4","tagType":"permissive"}],"classification":1,"policyId":"1.3.26.1.3.1"}');
    expect(() => parseCanonicalLabel(JSON.stringify(a, null, 1))).toThrow('not in canonical form');
  });
});

describe('clearances', () => {
  it('reads the project JSON form and the suite XML form alike', () => {
    const xml = readClearance(suiteText('uk-demo-secret-uk.xml'), registry);
    expect(readClearance(JSON.stringify(xml), registry)).toEqual(xml);
    expect(readClearance(writeSpiffyClearance(xml), registry)).toEqual(xml);
    expect(() => readClearance('{"policyId":"1.2.3","classifications":[],"categories":[]}', registry)).toThrow('Unknown policy id: 1.2.3');
    expect(() => readClearance('{"policyId":"1.3.26.1.3.1","classifications":[-1],"categories":[]}', registry)).toThrow(EntenteError);
  });
});
