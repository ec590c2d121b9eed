import { EntenteError } from '../../shared/errors';
import type { ShareDecision, ShareReason } from '../../shared/trust/share-reasons';
import { decide, isPermissive, isRestrictive, refKey, viewOf, type Label, type PolicyRegistry } from '../policy';
import type { AgreementBody, CredentialBody } from './objects';
import type { RevocationCheck } from './revocation';
import type { Signed } from './signed';
import { validityAt } from './verify';

/**
 * The one question of the trust model: may agency `from` send a note labelled `label` to the officer
 * holding `to`, and if not, why? (docs/TRUST.md §5). All reasons are collected, not just the first, so a
 * sender sees everything that withholds a recipient.
 */
export interface ShareContext {
  now: number;
  /** The policies loaded in the profile; a label under another policy is refused by the ACDF. */
  registry: PolicyRegistry;
  isRevoked: RevocationCheck;
}

/** Both reason codes of the decision and error codes of the refusal. */
interface StandingReason {
  code: 'credential_expired' | 'credential_not_yet_valid' | 'credential_revoked';
  message: string;
}

/** Reasons a credential cannot send or receive now: expired, not yet valid, revoked. Empty when in force. */
export function credentialStanding(to: Signed<CredentialBody>, ctx: Pick<ShareContext, 'now' | 'isRevoked'>): StandingReason[] {
  const b = to.body;
  const who = `${b.officerId} (${b.agency}, serial ${b.serial})`;
  const reasons: StandingReason[] = [];
  const validity = validityAt(b, ctx.now);
  if (validity === 'expired') reasons.push({ code: 'credential_expired', message: `the credential of ${who} expired at ${b.notAfter}` });
  if (validity === 'not_yet_valid') reasons.push({ code: 'credential_not_yet_valid', message: `the credential of ${who} is not valid before ${b.notBefore}` });
  if (ctx.isRevoked(b.agency, b.serial)) reasons.push({ code: 'credential_revoked', message: `the credential of ${who} has been revoked by ${b.agency}` });
  return reasons;
}

/** Throws the first standing problem as a coded error: a revoked or expired credential neither sends nor receives. */
export function requireInForce(credential: Signed<CredentialBody>, ctx: Pick<ShareContext, 'now' | 'isRevoked'>): void {
  const first = credentialStanding(credential, ctx)[0];
  if (first !== undefined) throw new EntenteError(first.code, first.message);
}

/** Why one agreement does not cover the label (empty: it does). */
function agreementGaps(a: AgreementBody, label: Label, ctx: ShareContext): ShareReason[] {
  const id = a.id;
  const reasons: ShareReason[] = [];
  const validity = validityAt(a, ctx.now);
  if (validity === 'expired') reasons.push({ code: 'agreement_expired', message: `the agreement between ${a.proposer} and ${a.partner} expired at ${a.notAfter}`, agreementId: id });
  if (validity === 'not_yet_valid') reasons.push({ code: 'agreement_not_yet_valid', message: `the agreement between ${a.proposer} and ${a.partner} starts at ${a.notBefore}`, agreementId: id });
  const policy = ctx.registry.get(a.policy);
  if (label.policyId !== a.policy || policy === undefined) {
    reasons.push({ code: 'policy_not_covered', message: `the agreement covers policy ${a.policy}, not the label's ${label.policyId}`, agreementId: id });
    return reasons;
  }
  const view = viewOf(policy);
  const labelClass = view.classByLacv.get(label.classification);
  const ceiling = view.classByLacv.get(a.ceiling);
  if (labelClass === undefined || ceiling === undefined || labelClass.cls.hierarchy > ceiling.cls.hierarchy) {
    reasons.push({ code: 'above_ceiling', message: `${labelClass?.cls.name ?? label.classification} is above the agreement's ceiling ${ceiling?.cls.name ?? a.ceiling}`, agreementId: id });
  }
  const permitted = new Set(a.categories.map(refKey));
  for (const ref of label.categories) {
    if ((isRestrictive(ref.tagType) || isPermissive(ref.tagType)) && !permitted.has(refKey(ref))) {
      const info = view.categoryByKey.get(refKey(ref));
      reasons.push({ code: 'category_not_permitted', message: `the agreement does not permit ${info ? `${info.tagSet.name} ${info.category.name}` : refKey(ref)}`, agreementId: id });
    }
  }
  return reasons;
}

/**
 * `agreements` are those held in the profile, already verified (both root signatures) on import.
 * Within one agency no agreement is needed; between two, at least one complete agreement in force
 * must cover the label. In every case the recipient's credential must be in force and its clearance
 * must pass the ACDF for the label.
 */
export function mayShare(agreements: readonly Signed<AgreementBody>[], fromAgency: string, label: Label, to: Signed<CredentialBody>, ctx: ShareContext): ShareDecision {
  const reasons: ShareReason[] = [...credentialStanding(to, ctx)];
  const toAgency = to.body.agency;
  if (toAgency !== fromAgency) {
    const between = agreements.filter((a) => a.sigs.partner !== undefined && a.sigs.proposer !== undefined && ((a.body.proposer === fromAgency && a.body.partner === toAgency) || (a.body.proposer === toAgency && a.body.partner === fromAgency)));
    if (between.length === 0) {
      reasons.push({ code: 'no_agreement', message: `there is no countersigned sharing agreement between ${fromAgency} and ${toAgency}` });
    } else {
      const gaps = between.map((a) => agreementGaps(a.body, label, ctx));
      if (!gaps.some((g) => g.length === 0)) reasons.push(...gaps.flat());
    }
  }
  const decision = decide(ctx.registry.get(label.policyId), label, to.body.clearance);
  if (!decision.granted) reasons.push(...decision.reasons);
  return { allowed: reasons.length === 0, reasons };
}
