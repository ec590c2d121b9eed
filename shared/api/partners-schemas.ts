import { z } from 'zod';
import { BannerLevel, CredentialStanding } from '../display/model';
import { Oid } from '../labels/model';
import { AgencyIdText, MarkingText, OfficerIdText, Text } from './fields';

/** Partners (main/core/calls-partners.ts): agencies, agreements with their ceilings, officers and safety numbers. */

export const AgencyView = z.strictObject({
  id: AgencyIdText,
  name: Text(200),
  country: Text(3),
  /** The pinned card's fingerprint, to compare out of band. */
  fingerprint: Text(200),
  policies: z.array(Oid).max(16),
  /** The agency of the officer's own credential. */
  own: z.boolean(),
});

export const AgreementView = z.strictObject({
  id: Text(64),
  proposer: AgencyIdText,
  partner: AgencyIdText,
  policyId: Oid,
  policyName: Text(256).nullable(),
  /** The ceiling classification; null when the policy is not loaded here. */
  ceiling: BannerLevel.nullable(),
  /** The highest label the agreement lets through, as a marking (ceiling and permitted categories). */
  ceilingMarking: MarkingText.nullable(),
  notBefore: Text(32),
  notAfter: Text(32),
  state: z.enum(['in_force', 'expired', 'not_yet_valid', 'incomplete']),
});

export const SafetyNumber = z.array(z.string().regex(/^\d{5}$/)).length(12);

export const PartnerOfficer = z.strictObject({
  agency: AgencyIdText,
  officerId: OfficerIdText,
  name: Text(200),
  nationality: Text(3),
  serial: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  clearance: MarkingText.nullable(),
  standing: CredentialStanding,
  safetyNumber: SafetyNumber,
  verified: z.boolean(),
  /** The officer's keys changed since they were last verified: sending to them is blocked. */
  keyChanged: z.boolean(),
  sendable: z.boolean(),
});
export type PartnerOfficer = z.infer<typeof PartnerOfficer>;

export const PartnersList = z.strictObject({
  agencies: z.array(AgencyView).max(1000),
  agreements: z.array(AgreementView).max(10_000),
  officers: z.array(PartnerOfficer).max(10_000),
});

export const PartnersVerifyInput = z.strictObject({
  agency: AgencyIdText,
  officerId: OfficerIdText,
  /** The 60 digits both officers read out; spaces ignored. */
  safetyNumber: z.string().min(1).max(200),
});
