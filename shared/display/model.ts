import { z } from 'zod';
import { CategoryRef, Clearance, Lacv, Oid } from '../labels/model';
import { REASON_CODES } from '../labels/reasons';

/**
 * The need-to-know display model (DESIGN.md §7): what a viewer may see on this workstation, in this
 * session, and why a note is shown or replaced by a redaction card. Plain JSON, decided the same way
 * in main (which never sends a body it would not show) and in the renderer (which draws the cards).
 */

/**
 * Session modes. `normal`: the credential's clearance, capped only by the workstation ceiling.
 * `travelling`: for a laptop outside accredited premises (a hotel, a partner's office, a train):
 * only the LOWEST classification of the credential's policy may be shown (NATO UNCLASSIFIED,
 * EU RESTRICTED, UK OFFICIAL, FR SANS CLASSIFICATION), whatever the credential or the ceiling allow.
 */
export const SESSION_MODES = ['normal', 'travelling'] as const;
export const SessionMode = z.enum(SESSION_MODES);
export type SessionMode = z.infer<typeof SessionMode>;

/** One classification of one policy: a workstation ceiling, a notification or protection threshold. */
export const LevelRef = z.strictObject({ policyId: Oid, classification: Lacv });
export type LevelRef = z.infer<typeof LevelRef>;

/** Whether the viewer's own credential is in force; anything else shows nothing at all. */
export const CREDENTIAL_STANDINGS = ['in_force', 'credential_missing', 'credential_expired', 'credential_not_yet_valid', 'credential_revoked'] as const;
export const CredentialStanding = z.enum(CREDENTIAL_STANDINGS);
export type CredentialStanding = z.infer<typeof CredentialStanding>;

/** What capped the credential: the workstation's accreditation ceiling or the session mode. */
export const CapSource = z.enum(['workstation', 'session']);
export type CapSource = z.infer<typeof CapSource>;

export const EffectiveClearance = z.strictObject({
  standing: CredentialStanding,
  /** The clearance the credential carries, as issued; null without a credential in force. */
  credential: Clearance.nullable(),
  /** What this workstation may show in this session: the credential's clearance, capped. */
  clearance: Clearance.nullable(),
  ceiling: LevelRef.nullable(),
  sessionMode: SessionMode,
  /**
   * The lowest cap below the credential, and which setting imposed it; null when nothing caps it.
   * `classification` is null when the cap lets no classification through (a ceiling under another
   * policy than the credential's cannot be compared, so it is taken as allowing nothing).
   */
  cap: z.strictObject({ by: CapSource, policyId: Oid, classification: Lacv.nullable() }).nullable(),
});
export type EffectiveClearance = z.infer<typeof EffectiveClearance>;

/** The ACDF's reasons, plus the display's own: a cap, or a credential not in force. */
export const DISPLAY_REASON_CODES = [
  ...REASON_CODES,
  'above_workstation_ceiling',
  'above_session_mode',
  'credential_missing',
  'credential_expired',
  'credential_not_yet_valid',
  'credential_revoked',
] as const;
export const DisplayReasonCode = z.enum(DISPLAY_REASON_CODES);
export type DisplayReasonCode = z.infer<typeof DisplayReasonCode>;

export const DisplayReason = z.strictObject({
  code: DisplayReasonCode,
  message: z.string().max(500),
  category: CategoryRef.optional(),
  classification: Lacv.optional(),
  policyId: z.string().max(200).optional(),
});
export type DisplayReason = z.infer<typeof DisplayReason>;

export const DisplayDecision = z.discriminatedUnion('show', [
  z.strictObject({ show: z.literal(true) }),
  z.strictObject({ show: z.literal(false), reasons: z.array(DisplayReason).min(1).max(64) }),
]);
export type DisplayDecision = z.infer<typeof DisplayDecision>;

/** The classification a classification banner shows, in the policy's colour. */
export const BannerLevel = z.strictObject({
  policyId: Oid,
  policyName: z.string().max(256),
  classification: Lacv,
  /** The classification's name in the SPIF ("SECRET"). */
  name: z.string().max(256),
  /** The classification as the policy marks it, in the language asked ("NATO SECRET"). */
  marking: z.string().max(1024),
  /** CSS colour from the SPIF, or null when the policy gives none. */
  color: z.string().max(64).nullable(),
});
export type BannerLevel = z.infer<typeof BannerLevel>;
