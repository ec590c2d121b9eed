import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { PolicyRegistry } from '../../../main/policy';
import { clearanceFromMarking, parseCategoryArg } from '../../../main/trust/clearance';
import { EntenteError } from '../../../shared/errors';

const registry = new PolicyRegistry();
const nato = registry.loadSpif(readFileSync('policies/nato.xml', 'utf8'));
const eu = registry.loadSpif(readFileSync('policies/eu.xml', 'utf8'));
const lacvOf = (name: string) => nato.classifications.find((c) => c.name === name)?.lacv;

describe('clearances typed by a security officer', () => {
  it('reads the highest label as every level at or below it, with its categories', () => {
    const c = clearanceFromMarking(registry, [nato.id], 'NATO CONFIDENTIAL REL TO FRA, GBR', []);
    expect(c.policyId).toBe(nato.id);
    expect([...c.classifications].sort()).toEqual(
      nato.classifications.filter((k) => k.hierarchy <= nato.classifications.find((x) => x.lacv === 3)!.hierarchy).map((k) => k.lacv).sort(),
    );
    expect(c.classifications).not.toContain(4);
    expect(c.categories.length).toBe(2);
  });

  it('reads the clearance marking form as the exact list it names', () => {
    const c = clearanceFromMarking(registry, [nato.id], '{UNCLASSIFIED|SECRET}', []);
    expect([...c.classifications].sort()).toEqual([lacvOf('UNCLASSIFIED'), lacvOf('SECRET')].sort());
  });

  it('refuses an unknown level naming the token, and a marking under no listed policy', () => {
    expect(() => clearanceFromMarking(registry, [nato.id], 'NATO ULTRA', [])).toThrow(/unknown marking token/);
    expect(() => clearanceFromMarking(registry, [eu.id], 'NATO SECRET', [])).toThrow(EntenteError);
  });

  it('with several policies, reports the one that read the marking, whatever their order', () => {
    for (const ids of [[eu.id, nato.id], [nato.id, eu.id]]) {
      // EU does not know "NATO"; NATO does, and finds FRA twice: that is the mistake to show.
      expect(() => clearanceFromMarking(registry, ids, 'NATO SECRET REL TO FRA, FRA', [])).toThrow(/names FRA twice/);
      // Neither reads "ULTRA"; NATO read further (past "NATO") and names it.
      expect(() => clearanceFromMarking(registry, ids, 'NATO ULTRA', [])).toThrow(/unknown marking token "ULTRA"/);
    }
  });

  it('takes hidden categories by tag set and value name, and refuses unknown ones', () => {
    const ref = parseCategoryArg(nato, 'Releasable To=FRA');
    expect(ref.tagSetId).toBe('1.3.26.1.4.2');
    expect(() => parseCategoryArg(nato, 'Releasable To=ATLANTIS')).toThrow(/ATLANTIS/);
    expect(() => parseCategoryArg(nato, 'no-equals-sign')).toThrow(/TAGSET=VALUE/);
  });
});
