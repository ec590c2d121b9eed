import { z } from 'zod';
import { Reason } from '../labels/reasons';

/**
 * Why a label may not go to an officer of another agency (main/trust/share.ts). Data, like the ACDF's
 * reasons, which they include: the sender's UI shows them next to each withheld recipient.
 */
export const SHARE_REASON_CODES = [
  'no_agreement',
  'agreement_expired',
  'agreement_not_yet_valid',
  'policy_not_covered',
  'above_ceiling',
  'category_not_permitted',
  'credential_expired',
  'credential_not_yet_valid',
  'credential_revoked',
  // Recipient selection (main/messaging/recipients.ts): what else keeps a member from getting a key.
  'credential_missing',
  'prekey_unavailable',
  'key_change_unverified',
] as const;

export const ShareReasonCode = z.enum(SHARE_REASON_CODES);

export const ShareReason = z.union([
  z.object({ code: ShareReasonCode, message: z.string().max(500), agreementId: z.string().max(64).optional() }).strict(),
  Reason,
]);
export type ShareReason = z.infer<typeof ShareReason>;

export const ShareDecision = z.object({ allowed: z.boolean(), reasons: z.array(ShareReason) }).strict();
export type ShareDecision = z.infer<typeof ShareDecision>;
