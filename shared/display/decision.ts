import { decide } from '../labels/acdf';
import { normalizeLabel, type Label, type Policy } from '../labels/model';
import type { DisplayDecision, DisplayReason, EffectiveClearance } from './model';

/**
 * Whether a note may be shown to this viewer now: the ACDF (shared/labels/acdf.ts) over the effective
 * clearance. A deny says why; a classification the credential holds but a cap removed is reported as
 * the cap (`above_workstation_ceiling`, `above_session_mode`), so the officer knows that changing the
 * session mode, not asking their agency, is what would show it.
 */
const STANDING_MESSAGES: Record<Exclude<EffectiveClearance['standing'], 'in_force'>, string> = {
  credential_missing: 'this profile holds no credential in force',
  credential_expired: 'your credential has expired',
  credential_not_yet_valid: 'your credential is not valid yet',
  credential_revoked: 'your credential has been revoked by your agency',
};

export function displayDecision(policy: Policy | undefined, label: Label, viewer: EffectiveClearance): DisplayDecision {
  if (viewer.standing !== 'in_force' || viewer.clearance === null) {
    const code = viewer.standing === 'in_force' ? 'credential_missing' : viewer.standing;
    return { show: false, reasons: [{ code, message: STANDING_MESSAGES[code] }] };
  }
  const decision = decide(policy, label, viewer.clearance);
  if (decision.granted) return { show: true };
  const capped = viewer.cap !== null && viewer.credential !== null && viewer.credential.classifications.includes(label.classification);
  const reasons = decision.reasons.slice(0, 64).map((r): DisplayReason => {
    if (r.code !== 'classification_not_cleared' || !capped || viewer.cap === null) return r;
    return viewer.cap.by === 'workstation'
      ? { code: 'above_workstation_ceiling', message: 'above the accreditation ceiling of this workstation', classification: label.classification }
      : { code: 'above_session_mode', message: 'above what may be shown in the current session mode', classification: label.classification };
  });
  return { show: false, reasons };
}

/**
 * displayDecision for many notes: decided once per distinct label (a conversation holds a handful),
 * with the policy looked up by id. For one viewer state: make a new one when it changes.
 */
export function displayDecider(policyOf: (policyId: string) => Policy | undefined, viewer: EffectiveClearance): (label: Label) => DisplayDecision {
  const cache = new Map<string, DisplayDecision>();
  return (label) => {
    const key = JSON.stringify(normalizeLabel(label));
    let d = cache.get(key);
    if (d === undefined) {
      d = displayDecision(policyOf(label.policyId), label, viewer);
      cache.set(key, d);
    }
    return d;
  };
}
