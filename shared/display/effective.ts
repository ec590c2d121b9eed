import type { Clearance, Policy } from '../labels/model';
import { viewOf } from '../labels/policy-view';
import type { CapSource, CredentialStanding, EffectiveClearance, LevelRef, SessionMode } from './model';

/**
 * The viewer's effective clearance (DESIGN.md §7): the credential's clearance, capped by the
 * workstation's accreditation ceiling and by the session mode. A cap removes every classification
 * above it from the clearance's list; categories are left as they are (a cap is about how much a
 * machine or place may hold, not about need-to-know).
 *
 * Fail-safe choices: a credential not in force gives no clearance at all; a ceiling under another
 * policy than the credential's, or naming a classification that policy lacks, cannot be compared and
 * lets nothing through; a cap whose policy is not loaded lets nothing through either.
 */
export interface ViewerInput {
  standing: CredentialStanding;
  /** The credential's clearance; ignored unless the standing is in_force. */
  credential: Clearance | null;
  ceiling: LevelRef | null;
  sessionMode: SessionMode;
}

interface Cap {
  by: CapSource;
  /** null: nothing passes. */
  classification: number | null;
  hierarchy: number;
}

/** The classification the session mode caps to under `policy`, or null when the mode caps nothing. */
export function sessionModeCap(policy: Policy, mode: SessionMode): { classification: number; hierarchy: number } | null {
  if (mode === 'normal') return null;
  const lowest = viewOf(policy).classes[0];
  return lowest === undefined ? null : { classification: lowest.cls.lacv, hierarchy: lowest.cls.hierarchy };
}

function ceilingCap(policy: Policy, ceiling: LevelRef): Cap {
  const cls = ceiling.policyId === policy.id ? viewOf(policy).classByLacv.get(ceiling.classification) : undefined;
  return cls === undefined ? { by: 'workstation', classification: null, hierarchy: -Infinity } : { by: 'workstation', classification: cls.cls.lacv, hierarchy: cls.cls.hierarchy };
}

/** The lowest of the caps in force; the workstation's wins a tie (it is the fixed one). */
function lowestCap(policy: Policy | undefined, input: ViewerInput): Cap | null {
  const caps: Cap[] = [];
  if (policy === undefined) {
    if (input.ceiling !== null) caps.push({ by: 'workstation', classification: null, hierarchy: -Infinity });
    if (input.sessionMode !== 'normal') caps.push({ by: 'session', classification: null, hierarchy: -Infinity });
  } else {
    if (input.ceiling !== null) caps.push(ceilingCap(policy, input.ceiling));
    const s = sessionModeCap(policy, input.sessionMode);
    if (s !== null) caps.push({ by: 'session', ...s });
  }
  return caps.reduce<Cap | null>((low, c) => (low === null || c.hierarchy < low.hierarchy ? c : low), null);
}

/**
 * `policy` is the policy of the credential's clearance (undefined when it is not loaded, which
 * leaves the ACDF to deny everything as unknown_policy).
 */
export function effectiveClearance(policy: Policy | undefined, input: ViewerInput): EffectiveClearance {
  const base = { ceiling: input.ceiling, sessionMode: input.sessionMode };
  if (input.standing !== 'in_force' || input.credential === null) {
    return { standing: input.standing === 'in_force' ? 'credential_missing' : input.standing, credential: null, clearance: null, cap: null, ...base };
  }
  const credential: Clearance = { policyId: input.credential.policyId, classifications: [...input.credential.classifications], categories: input.credential.categories.map((c) => ({ ...c })) };
  const cap = lowestCap(policy, input);
  if (cap === null) return { standing: 'in_force', credential, clearance: credential, cap: null, ...base };
  const view = policy === undefined ? undefined : viewOf(policy);
  const allowed = credential.classifications.filter((lacv) => {
    const h = view?.classByLacv.get(lacv)?.cls.hierarchy;
    return h !== undefined && h <= cap.hierarchy;
  });
  // A cap at or above everything the credential holds changes nothing and is not reported.
  if (allowed.length === credential.classifications.length) return { standing: 'in_force', credential, clearance: credential, cap: null, ...base };
  return {
    standing: 'in_force',
    credential,
    clearance: { ...credential, classifications: allowed },
    cap: { by: cap.by, policyId: policy?.id ?? credential.policyId, classification: cap.classification },
    ...base,
  };
}
