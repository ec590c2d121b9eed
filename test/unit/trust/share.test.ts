import { beforeAll, describe, expect, it } from 'vitest';
import { sodiumReady } from '../../../main/crypto/sodium';
import { PolicyRegistry, type Label } from '../../../main/policy';
import { Agreement, Credential, RevocationList, type AgreementBody, type CredentialBody } from '../../../main/trust/objects';
import { listAgainstHeld, revocationCheck } from '../../../main/trust/revocation';
import { mayShare, requireInForce, type ShareContext } from '../../../main/trust/share';
import { addSignature, createSigned, type Signed } from '../../../main/trust/signed';
import { verifyAgreement } from '../../../main/trust/agreement';
import { AgencyCard } from '../../../main/trust/objects';
import { shippedPolicyTexts } from '../../../cli/policies';
import { NATO, fixtureBodies, fixtureKeys, type FixtureKeys } from '../../helpers/trust-fixtures';

const REL = (lacv: number) => ({ tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive' as const, lacv });
const ATOMAL = { tagSetId: '1.3.26.1.4.1', tagType: 'restrictive' as const, lacv: 1 };
const codes = (d: { reasons: { code: string }[] }) => d.reasons.map((r) => r.code).sort();

describe('mayShare: may agency A send label L to an officer of agency B, and if not why', () => {
  let k: FixtureKeys;
  let ctx: ShareContext;
  let agreement: Signed<AgreementBody>;
  let ukOfficer: Signed<CredentialBody>;
  let frOfficer: Signed<CredentialBody>;
  const now = Date.parse('2026-06-01T00:00:00Z');
  const label = (classification: number, categories: Label['categories'] = [REL(250), REL(826)]): Label => ({ policyId: NATO, classification, categories });

  beforeAll(async () => {
    await sodiumReady();
    k = fixtureKeys();
    const registry = new PolicyRegistry();
    for (const spif of shippedPolicyTexts()) registry.loadSpif(spif);
    ctx = { now, registry, isRevoked: () => false };
    const b = fixtureBodies(k);
    agreement = addSignature(Agreement, createSigned(Agreement, b.agreement, 'proposer', k.frRoot.secretKey), 'partner', k.ukRoot.secretKey);
    const ukClearance = { policyId: NATO, classifications: [1, 2, 3, 4], categories: [REL(826)] };
    ukOfficer = createSigned(Credential, { ...b.credential, serial: 77, agency: 'uk-demo', officerId: 'jsmith', name: 'John Smith', nationality: 'GBR', clearance: ukClearance }, 'issuer', k.ukRoot.secretKey);
    frOfficer = createSigned(Credential, b.credential, 'issuer', k.frRoot.secretKey);
  });

  it('allows a label within the ceiling and permitted categories that the recipient is cleared for', () => {
    expect(mayShare([agreement], 'fr-dgsi', label(4), ukOfficer, ctx)).toEqual({ allowed: true, reasons: [] });
    // The agreement works in both directions.
    expect(mayShare([agreement], 'uk-demo', label(3), frOfficer, ctx).allowed).toBe(true);
  });

  it('needs no agreement inside one agency, but still the clearance', () => {
    expect(mayShare([], 'fr-dgsi', label(4, [REL(250)]), frOfficer, ctx).allowed).toBe(true);
    expect(codes(mayShare([], 'fr-dgsi', label(5, [REL(250)]), frOfficer, ctx))).toEqual(['classification_not_cleared']);
  });

  it('refuses without a countersigned agreement', () => {
    expect(codes(mayShare([], 'fr-dgsi', label(4), ukOfficer, ctx))).toEqual(['no_agreement']);
    const unsigned = { ...agreement, sigs: { proposer: agreement.sigs.proposer as string } };
    expect(codes(mayShare([unsigned], 'fr-dgsi', label(4), ukOfficer, ctx))).toEqual(['no_agreement']);
  });

  it('refuses above the ceiling, outside the permitted categories, or under another policy', () => {
    expect(codes(mayShare([agreement], 'fr-dgsi', label(5), ukOfficer, ctx))).toEqual(['above_ceiling', 'classification_not_cleared']);
    expect(codes(mayShare([agreement], 'fr-dgsi', label(4, [ATOMAL, REL(250), REL(826)]), ukOfficer, ctx))).toEqual(['category_not_permitted', 'restrictive_category_not_held']);
    expect(codes(mayShare([agreement], 'fr-dgsi', label(4, [REL(250), REL(826), REL(840)]), ukOfficer, ctx))).toEqual(['category_not_permitted']);
    expect(codes(mayShare([agreement], 'fr-dgsi', { policyId: '2.999.208272260.1', classification: 4, categories: [] }, ukOfficer, ctx))).toEqual(['policy_mismatch', 'policy_not_covered']);
  });

  it('refuses outside the agreement validity, and any recipient whose credential is not in force', () => {
    expect(codes(mayShare([agreement], 'fr-dgsi', label(4), ukOfficer, { ...ctx, now: Date.parse('2027-06-01T00:00:00Z') }))).toEqual(['agreement_expired', 'credential_expired']);
    expect(codes(mayShare([agreement], 'fr-dgsi', label(4), ukOfficer, { ...ctx, now: Date.parse('2025-12-01T00:00:00Z') }))).toEqual(['agreement_not_yet_valid', 'credential_not_yet_valid']);
    const revoked = { ...ctx, isRevoked: (agency: string, serial: number) => agency === 'uk-demo' && serial === 77 };
    expect(codes(mayShare([agreement], 'fr-dgsi', label(4), ukOfficer, revoked))).toEqual(['credential_revoked']);
    expect(() => requireInForce(ukOfficer, revoked)).toThrow(expect.objectContaining({ code: 'credential_revoked' }));
    expect(() => requireInForce(ukOfficer, ctx)).not.toThrow();
  });

  it('verifies agreements only with both signatures by the pinned keys the body names', () => {
    const b = fixtureBodies(k);
    const fr = { id: 'fr-dgsi', rootKey: k.frRoot.publicKey, card: createSigned(AgencyCard, b.card, 'root', k.frRoot.secretKey) };
    const ukCard = createSigned(AgencyCard, { ...b.card, id: 'uk-demo', country: 'GBR', rootKey: b.agreement.partnerKey }, 'root', k.ukRoot.secretKey);
    const uk = { id: 'uk-demo', rootKey: k.ukRoot.publicKey, card: ukCard };
    const pinned = (id: string) => ({ 'fr-dgsi': fr, 'uk-demo': uk })[id];
    expect(verifyAgreement(agreement, pinned)).toBe(agreement);
    expect(() => verifyAgreement(agreement, (id) => (id === 'fr-dgsi' ? fr : undefined))).toThrow(expect.objectContaining({ code: 'trust_unknown_agency' }));
    expect(() => verifyAgreement({ ...agreement, sigs: { proposer: agreement.sigs.proposer as string } }, pinned)).toThrow(expect.objectContaining({ code: 'agreement_incomplete' }));
    const wrongCountersigner = addSignature(Agreement, createSigned(Agreement, b.agreement, 'proposer', k.frRoot.secretKey), 'partner', k.frRoot.secretKey);
    expect(() => verifyAgreement(wrongCountersigner, pinned)).toThrow(expect.objectContaining({ code: 'signature_invalid' }));
  });
});

describe('revocation lists', () => {
  let k: FixtureKeys;
  beforeAll(async () => {
    await sodiumReady();
    k = fixtureKeys();
  });
  const list = (sequence: number, serials: number[]) =>
    createSigned(RevocationList, { agency: 'fr-dgsi', sequence, issued: '2026-02-01T00:00:00Z', serials }, 'issuer', k.frRoot.secretKey);

  it('replace a held list only with a higher sequence; an older one is refused', () => {
    expect(listAgainstHeld(list(1, [5]), undefined)).toBe('new');
    expect(listAgainstHeld(list(2, [5, 9]), list(1, [5]))).toBe('updated');
    expect(listAgainstHeld(list(2, [5, 9]), list(2, [5, 9]))).toBe('unchanged');
    expect(() => listAgainstHeld(list(1, [5]), list(2, [5, 9]))).toThrow(expect.objectContaining({ code: 'crl_stale' }));
    expect(() => listAgainstHeld(list(2, [5]), list(2, [5, 9]))).toThrow(expect.objectContaining({ code: 'crl_conflict' }));
  });

  it('answer isRevoked per agency and serial', () => {
    const isRevoked = revocationCheck([list(2, [5, 9])]);
    expect(isRevoked('fr-dgsi', 9)).toBe(true);
    expect(isRevoked('fr-dgsi', 10)).toBe(false);
    expect(isRevoked('uk-demo', 9)).toBe(false);
  });
});

