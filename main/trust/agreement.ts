import { EntenteError } from '../../shared/errors';
import { mostInformativeRefusal, type MarkingRefusal } from '../../shared/labels/marking-refusal';
import { normalizeCategories, parseLabelMarking, type Policy, type PolicyRegistry } from '../policy';
import { randomBytes } from '../crypto/sodium';
import type { AgencyFolder } from './agency-folder';
import { pinPartner, pinnedPartner } from './agency-partners';
import { parseCategoryArg } from './clearance';
import { toBase64url } from './base64url';
import { toTimestamp } from './fields';
import { Agreement, type AgencyCardBody, type AgreementBody } from './objects';
import { addSignature, createSigned, requireValidSignature, type Signed } from './signed';
import { validityAt, type PinnedAgency } from './verify';

/**
 * Sharing agreements (docs/TRUST.md §5): one agency proposes (signs first), the other countersigns.
 * Only an agreement carrying both signatures, each by the root key the body names and the verifier
 * has pinned, lets anything flow.
 */

const DAY_MS = 86_400_000;
export const MAX_AGREEMENT_DAYS = 5 * 366;

export interface AgreementTerms {
  /** The ceiling as a label marking of the policy, e.g. "NATO SECRET REL TO FRA, GBR". */
  ceilingMarking: string;
  /** Values the marking cannot show (TAGSET=VALUE), also permitted. */
  categories: readonly string[];
  /** Policy OID or name; needed only when several policies are common to both agencies. */
  policyHint?: string;
  lang?: string;
  notBefore: number;
  validDays: number;
}

function commonPolicy(registry: PolicyRegistry, a: AgencyCardBody, b: AgencyCardBody, hint: string | undefined): Policy[] {
  const common = a.policies.filter((p) => b.policies.includes(p) && registry.get(p) !== undefined).map((p) => registry.require(p));
  if (common.length === 0) throw new EntenteError('agreement_policy_mismatch', `agencies ${a.id} and ${b.id} have no policy in common that is loaded here`);
  if (hint === undefined) return common;
  const picked = common.filter((p) => p.id === hint || p.name.toLowerCase() === hint.toLowerCase());
  if (picked.length === 0) throw new EntenteError('agreement_policy_mismatch', `policy "${hint}" is not common to ${a.id} and ${b.id}`);
  return picked;
}

/** The policy, ceiling classification and permitted categories a ceiling marking describes. */
function readCeiling(policies: Policy[], terms: AgreementTerms): { policy: Policy; ceiling: number; categories: AgreementBody['categories'] } {
  const readings: { policy: Policy; ceiling: number; categories: AgreementBody['categories'] }[] = [];
  const refusals: MarkingRefusal[] = [];
  for (const policy of policies) {
    try {
      const hidden = terms.categories.map((c) => parseCategoryArg(policy, c));
      const label = parseLabelMarking(policy, terms.ceilingMarking, { lang: terms.lang ?? 'en', hidden });
      readings.push({ policy, ceiling: label.classification, categories: normalizeCategories([...label.categories, ...hidden]) });
    } catch (err) {
      if (!(err instanceof EntenteError)) throw err;
      refusals.push({ policyId: policy.id, error: err });
    }
  }
  if (readings.length > 1) throw new EntenteError('marking_ambiguous', 'the ceiling reads under several common policies; name one with --policy');
  const reading = readings[0];
  if (reading === undefined) throw mostInformativeRefusal(refusals, terms.ceilingMarking) ?? new EntenteError('marking_unknown_token', 'the ceiling reads under no common policy');
  return reading;
}

/** Proposes an agreement to the partner whose card is given (pinned on first use) and signs it. */
export async function proposeAgreement(agency: AgencyFolder, passphrase: Uint8Array, partnerCard: Signed<AgencyCardBody>, terms: AgreementTerms): Promise<Signed<AgreementBody>> {
  if (partnerCard.body.id === agency.id) throw new EntenteError('invalid_input', 'an agency cannot make an agreement with itself');
  if (!Number.isInteger(terms.validDays) || terms.validDays < 1 || terms.validDays > MAX_AGREEMENT_DAYS) throw new EntenteError('invalid_input', `the validity must be 1 to ${MAX_AGREEMENT_DAYS} days`);
  const { partner } = pinPartner(agency, partnerCard);
  const { policy, ceiling, categories } = readCeiling(commonPolicy(agency.policies, agency.card.body, partner.card.body, terms.policyHint), terms);
  const notBefore = toTimestamp(terms.notBefore);
  const body: AgreementBody = {
    id: toBase64url(randomBytes(16)),
    proposer: agency.id,
    proposerKey: agency.card.body.rootKey,
    partner: partner.id,
    partnerKey: partner.card.body.rootKey,
    policy: policy.id,
    ceiling,
    categories,
    notBefore,
    notAfter: toTimestamp(Date.parse(notBefore) + terms.validDays * DAY_MS),
  };
  const signed = await agency.withRootKey(passphrase, (keys) => createSigned(Agreement, body, 'proposer', keys.secretKey));
  record(agency, signed, 'proposer');
  return signed;
}

/**
 * Countersigns an agreement addressed to this agency, after checking the proposer's signature against
 * its pinned card (pinned now from `proposerCard` if this is the first contact).
 */
export async function countersignAgreement(agency: AgencyFolder, passphrase: Uint8Array, agreement: Signed<AgreementBody>, proposerCard?: Signed<AgencyCardBody>): Promise<Signed<AgreementBody>> {
  const b = agreement.body;
  if (b.partner !== agency.id || b.partnerKey !== agency.card.body.rootKey) {
    throw new EntenteError('agreement_not_party', `the agreement is addressed to ${b.partner}${b.partner === agency.id ? ' with another root key' : ''}, not to this agency`);
  }
  if (proposerCard !== undefined && proposerCard.body.id !== b.proposer) throw new EntenteError('invalid_input', `the card given is ${proposerCard.body.id}'s, but the agreement comes from ${b.proposer}`);
  const proposer = proposerCard !== undefined ? pinPartner(agency, proposerCard).partner : pinnedPartner(agency, b.proposer);
  if (proposer === undefined) throw new EntenteError('trust_unknown_agency', `agency ${b.proposer} is not pinned in this agency folder; give its card with --partner`);
  if (agreement.sigs.partner !== undefined) throw new EntenteError('invalid_input', 'the agreement is already countersigned');
  checkNamedKey(b.proposer, b.proposerKey, proposer);
  requireValidSignature(Agreement, agreement, 'proposer', proposer.rootKey, `agency ${b.proposer}'s root key`);
  commonPolicy(agency.policies, proposer.card.body, agency.card.body, b.policy);
  if (validityAt(b, Date.now()) === 'expired') throw new EntenteError('agreement_expired', `the agreement expired at ${b.notAfter}`);
  const signed = await agency.withRootKey(passphrase, (keys) => addSignature(Agreement, agreement, 'partner', keys.secretKey));
  record(agency, signed, 'partner');
  return signed;
}

/** The body names each agency's root key; it must be the pinned one (a re-keyed agency voids its agreements). */
function checkNamedKey(agencyId: string, namedKey: string, pinned: PinnedAgency): void {
  if (namedKey !== pinned.card.body.rootKey) throw new EntenteError('trust_card_key_changed', `the agreement names another root key for ${agencyId} than the one pinned`);
}

/**
 * A complete agreement between two pinned agencies: both signatures verify with the pinned keys, which
 * are the keys the body names. Validity in time is left to the caller (mayShare gives it as a reason).
 */
export function verifyAgreement(agreement: Signed<AgreementBody>, pinned: (id: string) => PinnedAgency | undefined): Signed<AgreementBody> {
  const b = agreement.body;
  const proposer = pinned(b.proposer);
  const partner = pinned(b.partner);
  const missing = proposer === undefined ? b.proposer : partner === undefined ? b.partner : null;
  if (missing !== null || proposer === undefined || partner === undefined) throw new EntenteError('trust_unknown_agency', `the agreement involves agency ${missing ?? '?'}, which is not pinned here; import its card first`);
  if (agreement.sigs.partner === undefined) throw new EntenteError('agreement_incomplete', `the agreement is not countersigned by ${b.partner}; only a countersigned agreement counts`);
  checkNamedKey(b.proposer, b.proposerKey, proposer);
  checkNamedKey(b.partner, b.partnerKey, partner);
  requireValidSignature(Agreement, agreement, 'proposer', proposer.rootKey, `agency ${b.proposer}'s root key`);
  requireValidSignature(Agreement, agreement, 'partner', partner.rootKey, `agency ${b.partner}'s root key`);
  return agreement;
}

function record(agency: AgencyFolder, agreement: Signed<AgreementBody>, role: 'proposer' | 'partner'): void {
  const ledger = agency.readLedger();
  const b = agreement.body;
  const entry = { id: b.id, partner: role === 'proposer' ? b.partner : b.proposer, role, complete: agreement.sigs.partner !== undefined, body: b, recordedAt: toTimestamp(Date.now()) };
  ledger.agreements = [...ledger.agreements.filter((e) => e.id !== b.id), entry];
  agency.writeLedger(ledger);
}
