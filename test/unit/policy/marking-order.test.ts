import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSpif, normalizeLabel, parseClearanceMarking, parseLabelMarking, readLabel, readXml, renderClearanceMarking, renderLabelMarking, validateLabel, viewOf } from '../../../main/policy';
import { EntenteError } from '../../../shared/errors';
import { categoryIndices, renderHead } from '../../../shared/labels/marking-render';
import { appendCategories, markingTables } from '../../../shared/labels/marking-tables';
import type { CategoryRef, Label, Policy } from '../../../shared/labels/model';
import { suiteBytes, suiteRegistry, suiteText } from './suite';

/**
 * Markings typed by hand (shared/labels/marking-parse*.ts): the values of one list may come in any
 * order — the same set is the same label, rendered back in the policy's order — while a value named
 * twice, a value out of its place and a word the policy does not know are refused, each for what it
 * is. Every shipped policy with a list of several values is covered, in English and French.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const POLICY_FILES = readdirSync(join(ROOT, 'policies')).filter((f) => f.endsWith('.xml')).sort();
const shipped = (file: string): Policy => compileSpif(readFileSync(join(ROOT, 'policies', file), 'utf8'));
const nato = shipped('nato.xml');
const uk = shipped('uk.xml');
const LANGS = ['', 'fr'] as const;

function failure(fn: () => unknown): EntenteError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EntenteError) return e;
    throw e;
  }
  throw new Error('expected an EntenteError');
}

const byName = (p: Policy, tagSet: string, value: string): CategoryRef => {
  const c = viewOf(p).categories.find((x) => x.tagSet.name === tagSet && x.category.name === value);
  if (!c) throw new Error(`${p.name} has no ${tagSet}/${value}`);
  return c.ref;
};
const labelOf = (p: Policy, cls: string, cats: CategoryRef[]): Label =>
  normalizeLabel({ policyId: p.id, classification: p.classifications.find((c) => c.name === cls)?.lacv ?? -1, categories: cats });

/** The label's marking with the values of each list in the order `order` gives them (the head as rendered). */
function markingInOrder(p: Policy, label: Label, lang: string, order: (values: number[]) => number[]): string {
  const t = markingTables(p, lang, 'pageBottom');
  const indices = categoryIndices(t, p, label.categories);
  const shown = indices.filter((i) => t.categories[i]?.phrase !== '');
  const lists: number[][] = [];
  for (const i of shown) {
    const last = lists[lists.length - 1];
    if (last !== undefined && t.categories[last[0] as number]?.tagIndex === t.categories[i]?.tagIndex) last.push(i);
    else lists.push([i]);
  }
  return t.prefix + appendCategories(t, renderHead(t, p, label.classification, indices), lists.flatMap(order)) + t.suffix;
}

/** The hidden values a label holds (its marking cannot show them; the caller states them). */
const hiddenOf = (p: Policy, l: Label, lang: string): CategoryRef[] => {
  const t = markingTables(p, lang, 'pageBottom');
  return l.categories.filter((r) => t.categories[t.view.categoryByKey.get(`${r.tagSetId}|${r.tagType}|${r.lacv}`)?.index ?? -1]?.phrase === '');
};

/** The shipped policies' lists that can hold several shown values: [file, tag index, shown values]. */
const MULTI = POLICY_FILES.flatMap((file) => {
  const p = shipped(file);
  const t = markingTables(p, '', 'pageBottom');
  return t.tags.flatMap((_, tag) => {
    const values = t.categories.filter((c) => c.tagIndex === tag && c.phrase !== '').map((c) => t.view.categories[c.index]?.ref as CategoryRef);
    return values.length >= 2 ? [{ file, policy: p, tag, values }] : [];
  });
});

describe('values of a list in any order', () => {
  it('reads the officer’s order and renders the policy’s (the reported case)', () => {
    const l = labelOf(nato, 'SECRET', [byName(nato, 'Releasable To', 'FRA'), byName(nato, 'Releasable To', 'DEU')]);
    expect(parseLabelMarking(nato, 'NATO SECRET REL TO FRA, DEU')).toEqual(l);
    expect(parseLabelMarking(nato, 'NATO SECRET REL TO DEU, FRA')).toEqual(l);
    expect(renderLabelMarking(nato, parseLabelMarking(nato, 'NATO SECRET REL TO FRA, DEU'))).toBe('NATO SECRET REL TO DEU, FRA');
    expect(parseLabelMarking(nato, 'NATO SECRET COMMUNICABLE À FRA, DEU', { lang: 'fr' })).toEqual(l);
  });

  it('reorders several lists at once, each within itself', () => {
    const l = labelOf(nato, 'SECRET', [
      byName(nato, 'Additional Sensitivity', 'ATOMAL'), byName(nato, 'Additional Sensitivity', 'CRYPTO'),
      byName(nato, 'Releasable To', 'USA'), byName(nato, 'Releasable To', 'GBR'), byName(nato, 'Releasable To', 'NATO'),
      byName(nato, 'Administrative', 'STAFF'), byName(nato, 'Administrative', 'MANAGEMENT'),
    ]);
    expect(renderLabelMarking(nato, l)).toBe('NATO SECRET ATOMAL CRYPTO REL TO GBR, USA, NATO - MANAGEMENT, STAFF');
    expect(parseLabelMarking(nato, 'NATO SECRET CRYPTO ATOMAL REL TO NATO, USA, GBR - STAFF, MANAGEMENT')).toEqual(l);
    const eyes = labelOf(uk, 'SECRET', [byName(uk, 'National Caveats', 'US'), byName(uk, 'National Caveats', 'UK')]);
    expect(renderLabelMarking(uk, eyes)).toBe('SECRET – UK / US EYES ONLY');
    expect(parseLabelMarking(uk, 'SECRET – US / UK EYES ONLY')).toEqual(eyes);
  });

  it('covers every shipped policy with a list of several values', () => {
    expect([...new Set(MULTI.map((m) => m.file))]).toEqual(['nato.xml', 'uk.xml']);
  });

  for (const { file, policy, tag, values } of MULTI) {
    const tagName = viewOf(policy).tags[tag]?.tagSet.name;
    it(`${file}, ${tagName}: every order of up to four values, in English and French, round trip`, () => {
      let checked = 0;
      for (const cls of policy.classifications) {
        // Windows of four values along the list, so that every value is read somewhere.
        for (let from = 0; from < values.length; from += 3) {
          const chosen = values.slice(from, from + 4);
          if (chosen.length < 2) continue;
          const label = normalizeLabel({ policyId: policy.id, classification: cls.lacv, categories: chosen });
          if (!validateLabel(policy, label).valid) continue;
          for (const lang of LANGS) {
            const canonical = renderLabelMarking(policy, label, { lang });
            for (const perm of permutations(chosen.length)) {
              const text = markingInOrder(policy, label, lang, (vs) => (vs.length === chosen.length ? perm.map((k) => vs[k] as number) : vs));
              const parsed = parseLabelMarking(policy, text, { lang, hidden: hiddenOf(policy, label, lang) });
              expect(parsed, text).toEqual(label);
              expect(renderLabelMarking(policy, parsed, { lang }), text).toBe(canonical);
              expect(parseLabelMarking(policy, canonical, { lang, hidden: hiddenOf(policy, label, lang) }), canonical).toEqual(label);
              checked++;
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  }

  it.each(POLICY_FILES)('%s: any valid label, its lists shuffled, parses back to it and renders canonical', (file) => {
    const policy = shipped(file);
    const view = viewOf(policy);
    const anyValid = fc
      .record({ cls: fc.constantFrom(...policy.classifications.map((c) => c.lacv)), cats: fc.subarray(view.categories.map((c) => c.ref), { maxLength: Math.min(8, view.categories.length) }) })
      .map(({ cls, cats }) => normalizeLabel({ policyId: policy.id, classification: cls, categories: cats }))
      .filter((l) => validateLabel(policy, l).valid);
    fc.assert(
      fc.property(anyValid, fc.constantFrom(...LANGS), fc.infiniteStream(fc.nat()), (label, lang, seeds) => {
        const text = markingInOrder(policy, label, lang, (vs) => shuffle(vs, seeds));
        const parsed = parseLabelMarking(policy, text, { lang, hidden: hiddenOf(policy, label, lang) });
        expect(parsed).toEqual(label);
        const canonical = renderLabelMarking(policy, parsed, { lang });
        expect(parseLabelMarking(policy, canonical, { lang, hidden: hiddenOf(policy, label, lang) })).toEqual(label);
      }),
      { numRuns: 80 },
    );
  });

  it('clearance markings read their lists in any order too', () => {
    const c = { policyId: nato.id, classifications: [4], categories: [byName(nato, 'Releasable To', 'FRA'), byName(nato, 'Releasable To', 'DEU')] };
    const text = renderClearanceMarking(nato, c);
    expect(text).toBe('{SECRET} REL TO DEU, FRA');
    expect(parseClearanceMarking(nato, '{SECRET} REL TO FRA, DEU')).toEqual(parseClearanceMarking(nato, text));
  });
});

describe('the conformance suite’s markings', () => {
  // tests.xml fixes the rendered order (its "Note changed ordering": the SPIF's, not the label's); read
  // back, its markings give its labels, and so do the same markings with each list reversed.
  const registry = suiteRegistry();
  const doc = readXml(suiteText('tests.xml'), { limits: { maxBytes: 1 << 20, maxDepth: 8, maxElements: 10_000, maxAttrValue: 4096, maxText: 1 << 16 } }).root;
  const cases = doc.children
    .filter((s) => s.local === 'sequence')
    .flatMap((s) => s.children.filter((c) => c.local === 'test' && c.attrs.get('valid') === 'true' && c.attrs.has('label-marking')));

  it('has markings to read', () => {
    expect(cases.length).toBeGreaterThan(10);
  });

  it.each(cases.map((c) => [c.attrs.get('label') as string, c.attrs.get('xml:lang') ?? '', c.attrs.get('label-marking') as string]))('%s [%s] %s', (file, lang, marking) => {
    const raw = suiteBytes(file);
    const { label } = readLabel(file.endsWith('.ber') ? raw : new TextDecoder().decode(raw), registry);
    const policy = registry.require(label.policyId);
    const expected = normalizeLabel(label);
    const hidden = hiddenOf(policy, expected, lang);
    const reversed = markingInOrder(policy, expected, lang, (vs) => [...vs].reverse());
    // A policy that suppresses the classification name can render two valid labels alike: that stays
    // an ambiguity, in any order, and is one only when such a twin exists.
    const twin = policy.classifications.some((c) => {
      const other = { ...expected, classification: c.lacv };
      return c.lacv !== expected.classification && validateLabel(policy, other).valid && renderLabelMarking(policy, other, { lang }) === marking;
    });
    for (const text of [marking, reversed]) {
      if (twin) expect(failure(() => parseLabelMarking(policy, text, { lang, hidden })).code, text).toBe('marking_ambiguous');
      else expect(parseLabelMarking(policy, text, { lang, hidden }), text).toEqual(expected);
    }
  });
});

describe('what is still refused', () => {
  it('a value named twice, with a coded error naming it', () => {
    for (const [p, text, lang, value] of [
      [nato, 'NATO SECRET REL TO FRA, FRA', '', 'FRA'],
      [nato, 'NATO SECRET REL TO FRA, DEU, FRA', '', 'FRA'],
      [nato, 'NATO SECRET REL TO DEU, FRA, FRA', '', 'FRA'],
      [nato, 'NATO SECRET COMMUNICABLE À FRA, FRA', 'fr', 'FRA'],
      [nato, 'NATO SECRET ATOMAL ATOMAL', '', 'ATOMAL'],
      [nato, 'NATO SECRET REL TO FRA - STAFF, STAFF', '', 'STAFF'],
      [uk, 'SECRET – US / US EYES ONLY', '', 'US'],
    ] as const) {
      const e = failure(() => parseLabelMarking(p, text, { lang }));
      expect(e.code, text).toBe('label_malformed');
      expect(e.message, text).toMatch(new RegExp(`names ${value} twice \\(.+, again at offset \\d+\\); write each value once`));
    }
    expect(failure(() => parseLabelMarking(nato, 'NATO SECRET REL TO FRA, FRA')).message).toContain('(Releasable To, again at offset 24)');
    const e = failure(() => parseClearanceMarking(nato, '{SECRET} REL TO FRA, DEU, DEU'));
    expect([e.code, e.message]).toEqual(['label_malformed', expect.stringContaining('names DEU twice')]);
  });

  it('a word the policy does not know, named, wherever it stands in the list', () => {
    for (const [text, word] of [
      ['NATO SECRET REL TO FRA, XYZ, DEU', 'XYZ'],
      ['NATO SECRET REL TO XYZ, FRA', 'XYZ'],
      ['NATO SECRET REL TO FRA, DEUX', 'DEUX'],
      ['NATO SECRET REL TO FRA, FRA, XYZ', 'XYZ'],
      ['NATO SECRET REL TO FRA, DEU, ', '(end of marking)'],
      ['NATO SECRET REL TO ', '(end of marking)'],
      ['NATO ULTRA', 'ULTRA'],
      ['NATO SUPER SECRET REL TO FRA', 'SUPER'],
      ['NATO CONFIDENTIALE REL TO FRA', 'CONFIDENTIALE'],
    ] as const) {
      const e = failure(() => parseLabelMarking(nato, text));
      expect([e.code, e.message], text).toEqual(['marking_unknown_token', expect.stringMatching(new RegExp(`^unknown marking token "${word.replace(/[()]/g, '\\$&')}" at offset \\d+$`))]);
    }
    const e = failure(() => parseLabelMarking(uk, 'SECRET – US / XX EYES ONLY'));
    expect([e.code, e.message]).toEqual(['marking_unknown_token', expect.stringContaining('"XX"')]);
  });

  it('a known value out of its place, saying so rather than calling it unknown', () => {
    for (const [text, value, owner] of [
      ['NATO SECRET REL TO FRA ATOMAL', 'ATOMAL', 'Additional Sensitivity'],
      ['NATO SECRET REL TO FRA, ATOMAL', 'ATOMAL', 'Additional Sensitivity'],
      ['NATO SECRET - STAFF REL TO FRA', 'REL', null],
      ['NATO SECRET REL TO FRA GBR', 'GBR', 'Releasable To'],
      ['NATO SECRET FRA', 'FRA', 'Releasable To'],
    ] as const) {
      const e = failure(() => parseLabelMarking(nato, text));
      if (owner === null) {
        expect(e.code, text).toBe('marking_unknown_token');
        expect(e.message, text).toContain(`"${value}"`);
      } else {
        expect(e.code, text).toBe('label_malformed');
        expect(e.message, text).toMatch(new RegExp(`^cannot read "${value}" \\(a value of ${owner}\\) at offset \\d+: NATO writes its lists in the order Additional Sensitivity, Releasable To, Administrative, with the prefixes and separators it renders$`));
      }
    }
  });

  it('a reordered list that could be read as two different sets is ambiguous, not guessed', () => {
    // A National Caveats value whose name holds the list's separator: "UK / AUS" is one value or two.
    const spif = readFileSync(join(ROOT, 'policies', 'uk.xml'), 'utf8');
    const hostile = compileSpif(spif.replace(/(<tagCategory name=")NZ(")/, '$1AUS / UK$2'));
    const t = markingTables(hostile, '', 'pageBottom');
    expect(t.categories.some((c) => c.phrase === 'AUS / UK')).toBe(true);
    const e = failure(() => parseLabelMarking(hostile, 'SECRET – AUS / UK EYES ONLY'));
    expect(e.code).toBe('marking_ambiguous');
    // The unambiguous order of the two single values is still read.
    expect(parseLabelMarking(hostile, 'SECRET – US / AUS EYES ONLY').categories).toHaveLength(2);
  });

  it('a text with too many readings to prove one is refused as ambiguous, quickly', () => {
    // Additional Sensitivity joins its values with " ": with a value named "ATOMAL ATOMAL", a run of
    // ATOMALs splits in a Fibonacci number of ways.
    const spif = readFileSync(join(ROOT, 'policies', 'nato.xml'), 'utf8');
    const hostile = compileSpif(spif.replace('<tagCategory name="CRYPTO"', '<tagCategory name="ATOMAL ATOMAL"'));
    const t0 = performance.now();
    const e = failure(() => parseLabelMarking(hostile, `NATO SECRET ${Array.from({ length: 30 }, () => 'ATOMAL').join(' ')}`));
    expect([e.code, e.message]).toEqual(['marking_ambiguous', expect.stringContaining('too many ways')]);
    expect(performance.now() - t0).toBeLessThan(2_000);
    // Two of them are one reading: the one value, or ATOMAL twice (refused); so it is read.
    expect(parseLabelMarking(hostile, 'NATO SECRET ATOMAL ATOMAL').categories).toHaveLength(1);
  });

  it('stays fast on long and repetitive hand-typed lists', () => {
    const all = viewOf(nato).categories.filter((c) => c.tagSet.name === 'Releasable To' && c.category.name !== 'Releasable');
    const names = all.map((c) => c.category.name).reverse();
    let t0 = performance.now();
    const l = parseLabelMarking(nato, `NATO SECRET REL TO ${names.join(', ')}`);
    expect(l.categories.length).toBe(names.length);
    expect(performance.now() - t0).toBeLessThan(2_000);
    t0 = performance.now();
    const repeated = `NATO SECRET REL TO ${Array.from({ length: 800 }, () => 'FRA').join(', ')}`;
    expect(repeated.length).toBeLessThan(4096);
    expect(failure(() => parseLabelMarking(nato, repeated)).code).toBe('label_malformed');
    expect(failure(() => parseLabelMarking(nato, `${repeated}, XYZ`)).code).toBe('marking_unknown_token');
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});

function permutations(n: number): number[][] {
  if (n <= 1) return [[0].slice(0, n)];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, at) => [...p.slice(0, at), n - 1, ...p.slice(at)]));
}

/** Fisher–Yates driven by fast-check's numbers, so a failing case shrinks and replays. */
function shuffle<T>(values: readonly T[], seeds: fc.Stream<number>): T[] {
  const out = [...values];
  const it = seeds[Symbol.iterator]();
  for (let i = out.length - 1; i > 0; i--) {
    const j = (it.next().value as number) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
