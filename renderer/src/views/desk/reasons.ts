import type { TFunction } from 'i18next';
import { DISPLAY_REASON_CODES, type DisplayReason } from '../../../../shared/display';
import { SHARE_REASON_CODES, type ShareReason } from '../../../../shared/trust/share-reasons';
import type { Problem } from '../../../../shared/api/fields';
import { ERROR_CODES } from '../../../../shared/errors';

/**
 * Reason codes as the officer reads them. The codes come from shared (the ACDF, the display caps, the
 * share decision); each has a translation in desk.reasons / desk.shareReasons, and an unknown code
 * falls back to the English message main sent rather than to nothing.
 */
const displayCodes = new Set<string>(DISPLAY_REASON_CODES);
const shareCodes = new Set<string>(SHARE_REASON_CODES);
const errorCodes = new Set<string>(ERROR_CODES);

/** Why a note is withheld from this viewer. */
export function displayReasonText(t: TFunction, reason: DisplayReason): string {
  return displayCodes.has(reason.code) ? t(`desk.reasons.${reason.code}`) : reason.message;
}

/** Why a recipient is withheld: a share reason, or an ACDF reason about their clearance. */
export function shareReasonText(t: TFunction, reason: ShareReason): string {
  // A share reason code wins: credential_* name the recipient's credential there, not the viewer's.
  if (shareCodes.has(reason.code)) return t(`desk.shareReasons.${reason.code}`);
  return displayCodes.has(reason.code) ? t(`desk.reasons.${reason.code}`) : reason.message;
}

/** A coded refusal (compose.preview's `refusal`, an API error code). */
export function problemText(t: TFunction, problem: Problem): string {
  return errorCodes.has(problem.code) ? t(`errors.${problem.code}`) : problem.message;
}

/** Distinct reason texts, in order: a withheld note may carry the same reason for several categories. */
export function distinctTexts(texts: readonly string[]): string[] {
  return [...new Set(texts)];
}
