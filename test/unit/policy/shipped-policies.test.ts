import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { compileSpif } from '../../../main/policy/index';
import { mapLabel } from '../../../shared/labels/equivalence';
import { renderLabelMarking } from '../../../shared/labels/marking-render';
import { Policy, type CategoryRef, type Label } from '../../../shared/labels/model';
import { validateLabel } from '../../../shared/labels/validate';

/**
 * The project's own SPIFs in policies/ (issue 3, item 8): they compile, name their levels as
 * policies/README.md documents in English and French, keep their hierarchy, have unique OIDs, and
 * declare exactly the equivalences the facts support (../shared/reference/LABEL-FACTS.md §5).
 */

const DIR = fileURLToPath(new URL('../../../policies/', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.xml')).sort();
const text = (file: string): string => readFileSync(join(DIR, file), 'utf8');

const ARC = '2.999.208272260';
const ID = { nato: '1.3.26.1.3.1', eu: `${ARC}.1`, uk: `${ARC}.2`, fr: `${ARC}.3` } as const;

interface Level { name: string; lacv: number; en: string; fr: string; color: string }

/** Lowest first. The same tables as policies/README.md. */
const EXPECTED: Record<string, { id: string; name: string; levels: Level[] }> = {
  'nato.xml': {
    id: ID.nato,
    name: 'NATO',
    levels: [
      { name: 'UNCLASSIFIED', lacv: 1, en: 'NATO UNCLASSIFIED', fr: 'NATO SANS CLASSIFICATION', color: '#007A33' },
      { name: 'RESTRICTED', lacv: 2, en: 'NATO RESTRICTED', fr: 'NATO DIFFUSION RESTREINTE', color: '#00778B' },
      { name: 'CONFIDENTIAL', lacv: 3, en: 'NATO CONFIDENTIAL', fr: 'NATO CONFIDENTIEL', color: '#0033A0' },
      { name: 'SECRET', lacv: 4, en: 'NATO SECRET', fr: 'NATO SECRET', color: '#C8102E' },
      { name: 'TOP SECRET', lacv: 5, en: 'COSMIC TOP SECRET', fr: 'COSMIC TRÈS SECRET', color: '#FF8C00' },
    ],
  },
  'eu.xml': {
    id: ID.eu,
    name: 'EU',
    levels: [
      { name: 'RESTRICTED', lacv: 2, en: 'EU RESTRICTED', fr: 'RESTREINT UE', color: '#00778B' },
      { name: 'CONFIDENTIAL', lacv: 3, en: 'EU CONFIDENTIAL', fr: 'CONFIDENTIEL UE', color: '#0033A0' },
      { name: 'SECRET', lacv: 4, en: 'EU SECRET', fr: 'SECRET UE', color: '#C8102E' },
      { name: 'TOP SECRET', lacv: 5, en: 'EU TOP SECRET', fr: 'TRÈS SECRET UE', color: '#FF8C00' },
    ],
  },
  'uk.xml': {
    id: ID.uk,
    name: 'UK-DEMO',
    levels: [
      { name: 'OFFICIAL', lacv: 6, en: 'OFFICIAL', fr: 'OFFICIAL', color: '#007A33' },
      { name: 'SECRET', lacv: 4, en: 'SECRET', fr: 'SECRET', color: '#C8102E' },
      { name: 'TOP SECRET', lacv: 5, en: 'TOP SECRET', fr: 'TRÈS SECRET', color: '#FF8C00' },
    ],
  },
  'fr.xml': {
    id: ID.fr,
    name: 'FR-DEMO',
    levels: [
      { name: 'SANS CLASSIFICATION', lacv: 1, en: 'UNCLASSIFIED', fr: 'SANS CLASSIFICATION', color: '#007A33' },
      { name: 'SECRET', lacv: 4, en: 'SECRET', fr: 'SECRET', color: '#C8102E' },
      { name: 'TRÈS SECRET', lacv: 5, en: 'TOP SECRET', fr: 'TRÈS SECRET', color: '#FF8C00' },
    ],
  },
};

/** Every equivalentClassification the shipped files may declare: LABEL-FACTS §5 B (EU <-> France). */
const DOCUMENTED_EQUIVALENCES = [
  `${ID.eu} SECRET -> ${ID.fr} 4 both`,
  `${ID.eu} TOP SECRET -> ${ID.fr} 5 both`,
  `${ID.fr} SECRET -> ${ID.eu} 4 both`,
  `${ID.fr} TRÈS SECRET -> ${ID.eu} 5 both`,
].sort();

const NATO_MEMBERS = [
  'ALB', 'BEL', 'BGR', 'CAN', 'CZE', 'DEU', 'DNK', 'ESP', 'EST', 'FIN', 'FRA', 'GBR', 'GRC', 'HRV', 'HUN', 'ISL',
  'ITA', 'LTU', 'LUX', 'LVA', 'MKD', 'MNE', 'NLD', 'NOR', 'POL', 'PRT', 'ROU', 'SVK', 'SVN', 'SWE', 'TUR', 'USA',
];

const compiled = new Map<string, Policy>();
for (const file of FILES) compiled.set(file, compileSpif(text(file)));
const policy = (file: string): Policy => {
  const p = compiled.get(file);
  if (!p) throw new Error(`${file} not compiled`);
  return p;
};

/** A category of a compiled policy, by tag set name and value name. */
function cat(p: Policy, tagSetName: string, value: string): CategoryRef {
  for (const ts of p.tagSets) {
    if (ts.name !== tagSetName) continue;
    for (const tag of ts.tags) {
      const c = tag.categories.find((x) => x.name === value);
      if (c) return { tagSetId: ts.id, tagType: tag.tagType, lacv: c.lacv };
    }
  }
  throw new Error(`${p.name} has no ${tagSetName} value ${value}`);
}
const lacvOf = (p: Policy, name: string): number => {
  const c = p.classifications.find((x) => x.name === name);
  if (!c) throw new Error(`${p.name} has no classification ${name}`);
  return c.lacv;
};
const label = (p: Policy, cls: string, cats: CategoryRef[] = []): Label => ({ policyId: p.id, classification: lacvOf(p, cls), categories: cats });
const en = (p: Policy, l: Label): string => renderLabelMarking(p, l, { lang: 'en' });
const fr = (p: Policy, l: Label): string => renderLabelMarking(p, l, { lang: 'fr' });

describe('shipped policies (policies/*.xml)', () => {
  it('are exactly the four documented files, with no DOCTYPE', () => {
    expect(FILES).toEqual(Object.keys(EXPECTED).sort());
    for (const f of FILES) expect(text(f), f).not.toMatch(/<!DOCTYPE/i);
  });

  it('compile to a valid policy model, without warnings', () => {
    for (const f of FILES) {
      const p = policy(f);
      expect(Policy.safeParse(p).success, f).toBe(true);
      expect(p.warnings, f).toEqual([]);
      expect(p.id, f).toBe(EXPECTED[f]?.id);
      expect(p.name, f).toBe(EXPECTED[f]?.name);
    }
  });

  it('have unique policy OIDs and unique tag set OIDs', () => {
    const policyIds = FILES.map((f) => policy(f).id);
    expect(new Set(policyIds).size).toBe(policyIds.length);
    const tagSetIds = FILES.flatMap((f) => policy(f).tagSets.map((t) => t.id));
    expect(new Set(tagSetIds).size).toBe(tagSetIds.length);
    for (const id of tagSetIds) expect(policyIds).not.toContain(id);
  });

  for (const [file, want] of Object.entries(EXPECTED)) {
    it(`${file}: levels in hierarchy order, with lacv, colour and EN/FR markings`, () => {
      const p = policy(file);
      const byHierarchy = [...p.classifications].sort((a, b) => a.hierarchy - b.hierarchy);
      expect(new Set(byHierarchy.map((c) => c.hierarchy)).size).toBe(byHierarchy.length);
      expect(byHierarchy.map((c) => ({ name: c.name, lacv: c.lacv, color: c.color }))).toEqual(
        want.levels.map((l) => ({ name: l.name, lacv: l.lacv, color: l.color })),
      );
      for (const level of want.levels) {
        const l = label(p, level.name);
        expect(validateLabel(p, l).valid, level.name).toBe(true);
        expect(en(p, l)).toBe(level.en);
        expect(renderLabelMarking(p, l)).toBe(level.en); // untagged text is English
        expect(renderLabelMarking(p, l, { lang: 'de' })).toBe(level.en); // and the fallback
        expect(fr(p, l)).toBe(level.fr);
        expect(renderLabelMarking(p, l, { lang: 'fr-CA' })).toBe(level.fr);
      }
    });
  }

  describe('nato.xml categories', () => {
    const p = policy('nato.xml');
    const rel = (v: string): CategoryRef => cat(p, 'Releasable To', v);

    it('uses the NATO tag set names, OIDs and types of LABEL-FACTS §1.2', () => {
      const sets = p.tagSets.map((t) => ({ name: t.name, id: t.id, types: t.tags.map((g) => g.tagType) }));
      expect(sets).toEqual([
        { name: 'Additional Sensitivity', id: '1.3.26.1.4.1', types: ['restrictive'] },
        { name: 'Releasable To', id: '1.3.26.1.4.2', types: ['enumeratedPermissive'] },
        { name: 'Administrative', id: '1.3.26.1.4.3', types: ['informative'] },
      ]);
    });

    it('can release to every NATO member and to the groups', () => {
      for (const c of [...NATO_MEMBERS, 'EU', 'FVEY', 'NATO', 'KFOR']) expect(() => rel(c), c).not.toThrow();
    });

    it('renders REL TO in English and COMMUNICABLE À in French, in SPIF order', () => {
      const l = label(p, 'SECRET', [rel('GBR'), rel('FRA')]);
      expect(en(p, l)).toBe('NATO SECRET REL TO FRA, GBR');
      expect(fr(p, l)).toBe('NATO SECRET COMMUNICABLE À FRA, GBR');
      const many = label(p, 'SECRET', [cat(p, 'Additional Sensitivity', 'ATOMAL'), rel('NATO'), rel('USA'), rel('GBR'), cat(p, 'Administrative', 'STAFF')]);
      expect(en(p, many)).toBe('NATO SECRET ATOMAL REL TO GBR, USA, NATO - STAFF');
      expect(en(p, label(p, 'UNCLASSIFIED', [cat(p, 'Administrative', 'STAFF')]))).toBe('NATO UNCLASSIFIED - STAFF');
      expect(fr(p, label(p, 'TOP SECRET', [cat(p, 'Additional Sensitivity', 'ATOMAL')]))).toBe('COSMIC TRÈS SECRET ATOMAL');
    });

    it('allows ATOMAL only at CONFIDENTIAL and above (CTS-A, NS-A, NC-A)', () => {
      const atomal = cat(p, 'Additional Sensitivity', 'ATOMAL');
      const valid = (cls: string): boolean => validateLabel(p, label(p, cls, [atomal])).valid;
      expect([valid('UNCLASSIFIED'), valid('RESTRICTED'), valid('CONFIDENTIAL'), valid('SECRET'), valid('TOP SECRET')])
        .toEqual([false, false, true, true, true]);
    });
  });

  describe('uk.xml categories', () => {
    const p = policy('uk.xml');
    const sensitive = cat(p, 'Handling Caveat', 'SENSITIVE');
    const eyes = (v: string): CategoryRef => cat(p, 'National Caveats', v);

    it('renders OFFICIAL-SENSITIVE in place of OFFICIAL, and only on OFFICIAL', () => {
      expect(en(p, label(p, 'OFFICIAL', [sensitive]))).toBe('OFFICIAL-SENSITIVE');
      expect(fr(p, label(p, 'OFFICIAL', [sensitive]))).toBe('OFFICIAL-SENSITIVE');
      expect(validateLabel(p, label(p, 'OFFICIAL', [sensitive])).valid).toBe(true);
      expect(validateLabel(p, label(p, 'SECRET', [sensitive])).valid).toBe(false);
    });

    it('renders eyes-only caveats as "CLASSIFICATION – UK / US EYES ONLY"', () => {
      expect(en(p, label(p, 'TOP SECRET', [eyes('US'), eyes('UK')]))).toBe('TOP SECRET – UK / US EYES ONLY');
      expect(fr(p, label(p, 'TOP SECRET', [eyes('UK')]))).toBe('TRÈS SECRET – UK EYES ONLY');
      expect(en(p, label(p, 'OFFICIAL', [sensitive, eyes('UK')]))).toBe('OFFICIAL-SENSITIVE – UK EYES ONLY');
    });
  });

  describe('fr.xml categories', () => {
    const p = policy('fr.xml');
    const dr = cat(p, 'Mention de protection', 'DIFFUSION RESTREINTE');
    const sf = cat(p, 'Restriction de diffusion', 'SPÉCIAL FRANCE');

    it('renders Diffusion Restreinte as a protective mention, not a level, on unclassified information only', () => {
      expect(fr(p, label(p, 'SANS CLASSIFICATION', [dr]))).toBe('DIFFUSION RESTREINTE');
      expect(en(p, label(p, 'SANS CLASSIFICATION', [dr]))).toBe('DIFFUSION RESTREINTE');
      expect(validateLabel(p, label(p, 'SECRET', [dr])).valid).toBe(false);
      expect(p.classifications.map((c) => c.name)).not.toContain('DIFFUSION RESTREINTE');
    });

    it('renders Spécial France beside the classification', () => {
      expect(fr(p, label(p, 'SECRET', [sf]))).toBe('SECRET SPÉCIAL FRANCE');
      expect(en(p, label(p, 'TRÈS SECRET', [sf]))).toBe('TOP SECRET SPÉCIAL FRANCE');
      expect(fr(p, label(p, 'SANS CLASSIFICATION', [dr, sf]))).toBe('DIFFUSION RESTREINTE SPÉCIAL FRANCE');
    });
  });

  describe('equivalences', () => {
    it('declare exactly the documented ones (LABEL-FACTS §5 B), against shipped policies', () => {
      const declared: string[] = [];
      const ids = new Set(FILES.map((f) => policy(f).id));
      for (const f of FILES) {
        const p = policy(f);
        for (const ep of p.equivalentPolicies) expect(ids.has(ep.id), `${f} -> ${ep.id}`).toBe(true);
        for (const c of p.classifications) {
          for (const e of c.equivalents) declared.push(`${p.id} ${c.name} -> ${e.policyId} ${e.lacv} ${e.applied}`);
        }
        for (const ts of p.tagSets) for (const t of ts.tags) for (const c of t.categories) expect(c.equivalents, `${f} ${c.name}`).toEqual([]);
      }
      expect(declared.sort()).toEqual(DOCUMENTED_EQUIVALENCES);
      expect(policy('nato.xml').equivalentPolicies).toEqual([]);
      expect(policy('uk.xml').equivalentPolicies).toEqual([]);
    });

    it('map France SECRET / TRÈS SECRET to and from the EU, both ways', () => {
      const frp = policy('fr.xml');
      const eup = policy('eu.xml');
      const cases: [string, string][] = [['SECRET', 'SECRET'], ['TRÈS SECRET', 'TOP SECRET']];
      for (const [frName, euName] of cases) {
        for (const dir of ['encrypt', 'decrypt'] as const) {
          const toEu = mapLabel(frp, eup, label(frp, frName), dir);
          expect(toEu.ok && toEu.label.classification, `${frName} ${dir}`).toBe(lacvOf(eup, euName));
          if (toEu.ok) expect(fr(eup, toEu.label)).toBe(`${frName} UE`);
          const toFr = mapLabel(eup, frp, label(eup, euName), dir);
          expect(toFr.ok && toFr.label.classification, `${euName} ${dir}`).toBe(lacvOf(frp, frName));
        }
      }
    });

    it('do not map what the facts leave without equivalent, nor drop a caveat', () => {
      const frp = policy('fr.xml');
      const eup = policy('eu.xml');
      for (const euName of ['RESTRICTED', 'CONFIDENTIAL']) {
        const r = mapLabel(eup, frp, label(eup, euName));
        expect(r.ok ? 'mapped' : r.failure, euName).toBe('no_equivalent_classification');
      }
      const sf = mapLabel(frp, eup, label(frp, 'SECRET', [cat(frp, 'Restriction de diffusion', 'SPÉCIAL FRANCE')]));
      expect(sf.ok ? 'mapped' : sf.failure).toBe('no_equivalent_category');
      for (const [a, b] of [['nato.xml', 'eu.xml'], ['eu.xml', 'nato.xml'], ['uk.xml', 'nato.xml'], ['fr.xml', 'nato.xml']] as const) {
        const pa = policy(a);
        const top = [...pa.classifications].sort((x, y) => y.hierarchy - x.hierarchy)[0];
        if (!top) throw new Error(a);
        const r = mapLabel(pa, policy(b), { policyId: pa.id, classification: top.lacv, categories: [] });
        expect(r.ok, `${a} -> ${b}`).toBe(false);
      }
    });
  });
});
