import { EntenteError } from '../../shared/errors';
import { displayDecider, effectiveClearance, type CredentialStanding, type DisplayDecision, type EffectiveClearance } from '../../shared/display';
import type { Label, Policy } from '../../shared/labels/model';
import type { Language } from '../../shared/prefs';
import { ownCredential } from '../messaging';
import type { CredentialBody } from '../trust/objects';
import type { Signed } from '../trust/signed';
import type { OpenSession } from './session';

/**
 * The viewer as main sees them at this very call: the credential in force now (a revocation or an
 * expiry takes effect at the next call), the workstation ceiling and session mode now, hence the
 * effective clearance, and a display decider over it (shared/display: the renderer decides the same
 * way). Built afresh for every call that shows or hides anything; never cached across calls.
 */
export interface Viewer {
  effective: EffectiveClearance;
  credential: Signed<CredentialBody> | null;
  decide: (label: Label) => DisplayDecision;
  policyOf: (policyId: string) => Policy | undefined;
  lang: Language;
}

const STANDINGS = new Set<string>(['credential_missing', 'credential_expired', 'credential_not_yet_valid', 'credential_revoked']);

/** The own credential in force, or why there is none (as a standing). */
export function credentialNow(session: OpenSession): { credential: Signed<CredentialBody> | null; standing: CredentialStanding } {
  try {
    return { credential: ownCredential(session.ctx), standing: 'in_force' };
  } catch (err) {
    if (err instanceof EntenteError && STANDINGS.has(err.code)) return { credential: null, standing: err.code as CredentialStanding };
    throw err;
  }
}

export function viewerOf(session: OpenSession, lang: Language): Viewer {
  const { credential, standing } = credentialNow(session);
  const registry = session.ctx.registry;
  const policyOf = (id: string): Policy | undefined => registry.get(id);
  const settings = session.settings;
  const clearance = credential?.body.clearance ?? null;
  const effective = effectiveClearance(clearance === null ? undefined : policyOf(clearance.policyId), {
    standing,
    credential: clearance,
    ceiling: settings.ceiling,
    sessionMode: settings.sessionMode,
  });
  return { effective, credential, decide: displayDecider(policyOf, effective), policyOf, lang };
}
