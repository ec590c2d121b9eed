import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readPolicyText } from '../../../cli/policies';
import { compileSpif, decide, parseLabelMarking, type Clearance, type Label, type Policy } from '../../../main/policy';
import { DisplayDecision, EffectiveClearance, displayDecider, displayDecision, effectiveClearance, highestOnScreen, sessionModeCap, type LevelRef, type SessionMode } from '../../../shared/display';

/**
 * shared/display: the effective clearance (credential capped by the workstation ceiling and the
 * session mode), the display decision over it, and the banner's highest level. Checked on the shipped
 * NATO, EU and UK policies against the ACDF itself.
 */
const nato = compileSpif(readPolicyText('nato'));
const eu = compileSpif(readPolicyText('eu'));
const uk = compileSpif(readPolicyText('uk'));
const policies = new Map<string, Policy>([nato, eu, uk].map((p) => [p.id, p]));
const policyOf = (id: string) => policies.get(id);
const L = (marking: string, policy: Policy = nato): Label => parseLabelMarking(policy, marking);
const REL = (lacv: number) => ({ tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive' as const, lacv });

/** Cleared up to NATO SECRET, releasable to FRA. */
const secretFra: Clearance = { policyId: nato.id, classifications: [1, 2, 3, 4], categories: [REL(250)] };
const level = (classification: number, policyId = nato.id): LevelRef => ({ policyId, classification });
const viewer = (ceiling: LevelRef | null, sessionMode: SessionMode = 'normal', credential: Clearance | null = secretFra, standing: EffectiveClearance['standing'] = 'in_force') =>
  effectiveClearance(credential === null ? undefined : policyOf(credential.policyId), { standing, credential, ceiling, sessionMode });

describe('effective clearance', () => {
  it('is the credential when nothing caps it, or when the cap is above what it holds', () => {
    for (const e of [viewer(null), viewer(level(5)), viewer(level(4))]) {
      expect(EffectiveClearance.parse(e)).toEqual(e);
      expect(e.clearance).toEqual(secretFra);
      expect(e.cap).toBeNull();
    }
  });

  it('drops the classifications above the workstation ceiling and says so', () => {
    const e = viewer(level(3));
    expect(e.clearance?.classifications).toEqual([1, 2, 3]);
    expect(e.clearance?.categories).toEqual(secretFra.categories);
    expect(e.credential).toEqual(secretFra);
    expect(e.cap).toEqual({ by: 'workstation', policyId: nato.id, classification: 3 });
  });

  it('travelling caps to the lowest classification of the policy, below any ceiling', () => {
    expect(sessionModeCap(nato, 'travelling')).toEqual({ classification: 1, hierarchy: 1 });
    expect(sessionModeCap(eu, 'travelling')?.classification).toBe(2);
    expect(sessionModeCap(uk, 'travelling')?.classification).toBe(6);
    expect(sessionModeCap(nato, 'normal')).toBeNull();
    const e = viewer(level(3), 'travelling');
    expect(e.clearance?.classifications).toEqual([1]);
    expect(e.cap).toEqual({ by: 'session', policyId: nato.id, classification: 1 });
  });

  it('fails safe: a ceiling under another policy, an unknown classification, a credential not in force', () => {
    const foreign = viewer(level(4, eu.id));
    expect(foreign.clearance?.classifications).toEqual([]);
    expect(foreign.cap).toEqual({ by: 'workstation', policyId: nato.id, classification: null });
    expect(viewer(level(99)).clearance?.classifications).toEqual([]);
    const revoked = viewer(null, 'normal', secretFra, 'credential_revoked');
    expect(revoked.clearance).toBeNull();
    expect(revoked.credential).toBeNull();
    expect(viewer(null, 'normal', null).standing).toBe('credential_missing');
    // The credential's policy not loaded: any cap lets nothing through.
    const unknown = effectiveClearance(undefined, { standing: 'in_force', credential: secretFra, ceiling: level(3), sessionMode: 'normal' });
    expect(unknown.clearance?.classifications).toEqual([]);
  });
});

describe('display decision', () => {
  it('shows what the ACDF grants on the effective clearance', () => {
    expect(displayDecision(nato, L('NATO SECRET REL TO FRA'), viewer(null))).toEqual({ show: true });
    expect(displayDecision(nato, L('NATO CONFIDENTIAL'), viewer(level(3)))).toEqual({ show: true });
  });

  it('names the cap when the credential would allow the note', () => {
    const ceiling = displayDecision(nato, L('NATO SECRET REL TO FRA'), viewer(level(3)));
    expect(DisplayDecision.parse(ceiling)).toEqual(ceiling);
    expect(ceiling).toMatchObject({ show: false, reasons: [{ code: 'above_workstation_ceiling', classification: 4 }] });
    const travelling = displayDecision(nato, L('NATO RESTRICTED'), viewer(null, 'travelling'));
    expect(travelling).toMatchObject({ show: false, reasons: [{ code: 'above_session_mode' }] });
  });

  it('gives the ACDF reasons when the credential itself does not allow the note', () => {
    const top = displayDecision(nato, L('COSMIC TOP SECRET'), viewer(level(3)));
    expect(top).toMatchObject({ show: false, reasons: [{ code: 'classification_not_cleared' }] });
    const rel = displayDecision(nato, L('NATO SECRET REL TO DEU'), viewer(null));
    expect(rel).toMatchObject({ show: false, reasons: [{ code: 'permissive_category_not_matched' }] });
    expect(displayDecision(nato, L('EU SECRET', eu), viewer(null))).toMatchObject({ show: false, reasons: [{ code: 'policy_mismatch' }] });
    expect(displayDecision(undefined, L('NATO SECRET'), viewer(null))).toMatchObject({ show: false, reasons: [{ code: 'unknown_policy' }] });
  });

  it('shows nothing while the credential is not in force', () => {
    for (const standing of ['credential_revoked', 'credential_expired', 'credential_not_yet_valid', 'credential_missing'] as const) {
      expect(displayDecision(nato, L('NATO UNCLASSIFIED'), viewer(null, 'normal', secretFra, standing))).toMatchObject({ show: false, reasons: [{ code: standing }] });
    }
  });

  it('the decider decides once per label and answers as displayDecision', () => {
    let lookups = 0;
    const v = viewer(level(3));
    const d = displayDecider((id) => (lookups++, policyOf(id)), v);
    const labels = [L('NATO SECRET REL TO FRA'), L('NATO CONFIDENTIAL'), L('NATO SECRET REL TO FRA'), L('NATO CONFIDENTIAL')];
    expect(labels.map(d)).toEqual(labels.map((l) => displayDecision(nato, l, v)));
    expect(lookups).toBe(2);
  });

  it('never shows more than the credential allows, and a lower cap never shows more (property)', () => {
    const classes = fc.subarray([1, 2, 3, 4, 5], { minLength: 1 });
    const rels = fc.subarray([250, 826, 276, 1001]);
    const label = fc.record({ cls: fc.integer({ min: 1, max: 5 }), rel: fc.subarray([250, 826, 276, 1001]) }).map(({ cls, rel }): Label => ({ policyId: nato.id, classification: cls, categories: rel.map(REL) }));
    fc.assert(
      fc.property(classes, rels, label, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.constantFrom<SessionMode>('normal', 'travelling'), (cls, rel, l, hi, lo, mode) => {
        const credential: Clearance = { policyId: nato.id, classifications: cls, categories: rel.map(REL) };
        const high = effectiveClearance(nato, { standing: 'in_force', credential, ceiling: level(Math.max(hi, lo)), sessionMode: mode });
        const low = effectiveClearance(nato, { standing: 'in_force', credential, ceiling: level(Math.min(hi, lo)), sessionMode: mode });
        const shownHigh = displayDecision(nato, l, high).show;
        const shownLow = displayDecision(nato, l, low).show;
        if (shownHigh) expect(decide(nato, l, credential).granted).toBe(true);
        if (shownLow) expect(shownHigh).toBe(true);
        if (shownHigh) expect(l.classification).toBeLessThanOrEqual(mode === 'travelling' ? 1 : Math.max(hi, lo));
      }),
      { numRuns: 300 },
    );
  });
});

describe('highest on screen', () => {
  it('is the highest classification present, in the policy colour and language', () => {
    const [top] = highestOnScreen([L('NATO RESTRICTED'), L('NATO SECRET REL TO FRA'), L('NATO CONFIDENTIAL')], policyOf, { lang: 'fr' });
    expect(top).toEqual({ policyId: nato.id, policyName: 'NATO', classification: 4, name: 'SECRET', marking: 'NATO SECRET', color: '#C8102E' });
    expect(highestOnScreen([L('COSMIC TOP SECRET')], policyOf, { lang: 'fr' })[0]?.marking).toBe('COSMIC TRÈS SECRET');
  });

  it('gives one level per policy, the relatively highest first, and skips what it cannot place', () => {
    const levels = highestOnScreen([L('NATO RESTRICTED'), L('EU SECRET', eu), { policyId: '1.2.3', classification: 1, categories: [] }, { policyId: nato.id, classification: 77, categories: [] }], policyOf);
    expect(levels.map((l) => [l.policyName, l.name])).toEqual([
      ['EU', 'SECRET'],
      ['NATO', 'RESTRICTED'],
    ]);
    expect(highestOnScreen([], policyOf)).toEqual([]);
  });
});
