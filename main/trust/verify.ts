import { EntenteError } from '../../shared/errors';
import type { PolicyRegistry } from '../policy';
import { decodeField } from './base64url';
import { checkClearanceKnown } from './clearance';
import { timestampMs } from './fields';
import { AgencyCard, Credential, type AgencyCardBody, type CredentialBody } from './objects';
import { requireValidSignature, type Signed } from './signed';

/**
 * Verification of signed objects against pinned agencies (docs/TRUST.md §4). Pure: the caller says
 * what is pinned and what time it is; nothing here reads or writes storage.
 */

export interface PinnedAgency {
  id: string;
  rootKey: Uint8Array;
  card: Signed<AgencyCardBody>;
}

/** A card must be signed by the root key it carries (self-signed); anything else is not a card. */
export function verifyCardSelfSigned(card: Signed<AgencyCardBody>): void {
  requireValidSignature(AgencyCard, card, 'root', decodeField(card.body.rootKey), `agency ${card.body.id}'s own root key`);
}

/**
 * What importing `card` would do given the pin held for its id: pin it (new), keep the held one
 * (same or older), or replace it (newer card, same key). A different root key is never accepted in
 * place of a pinned one: that is exactly the attack pinning exists to stop.
 */
export function cardAgainstPin(card: Signed<AgencyCardBody>, pinned: PinnedAgency | undefined): 'new' | 'unchanged' | 'updated' {
  verifyCardSelfSigned(card);
  if (pinned === undefined) return 'new';
  if (card.body.rootKey !== pinned.card.body.rootKey) {
    throw new EntenteError(
      'trust_card_key_changed',
      `agency ${card.body.id} is pinned with another root key; this card was refused. If the agency really changed its key, confirm the new fingerprint with it out of band, then remove the old pin`,
    );
  }
  return timestampMs(card.body.created) > timestampMs(pinned.card.body.created) ? 'updated' : 'unchanged';
}

export type Validity = 'valid' | 'expired' | 'not_yet_valid';

export function validityAt(v: { notBefore: string; notAfter: string }, now: number): Validity {
  if (now < timestampMs(v.notBefore)) return 'not_yet_valid';
  if (now >= timestampMs(v.notAfter)) return 'expired';
  return 'valid';
}

export function requireCredentialValid(body: CredentialBody, now: number): void {
  const v = validityAt(body, now);
  const who = `the credential of ${body.officerId} (${body.agency}, serial ${body.serial})`;
  if (v === 'expired') throw new EntenteError('credential_expired', `${who} expired at ${body.notAfter}`);
  if (v === 'not_yet_valid') throw new EntenteError('credential_not_yet_valid', `${who} is not valid before ${body.notBefore}`);
}

export interface CredentialContext {
  /** The pinned agency named by the credential, if any. */
  agency: PinnedAgency | undefined;
  registry: PolicyRegistry;
  now: number;
}

/**
 * A credential is accepted when its agency is pinned, the pinned root key signed it, it is valid now,
 * and its clearance exists in a policy the agency's card lists. Revocation is checked by the caller
 * against the revocation lists it holds (revocation.ts).
 */
export function verifyCredential(credential: Signed<CredentialBody>, ctx: CredentialContext, options: { signatureChecked?: boolean } = {}): Signed<CredentialBody> {
  if (credential.type !== Credential.type) throw new EntenteError('signed_wrong_type', `expected a credential, got a ${credential.type}`);
  const { body } = credential;
  if (ctx.agency === undefined || ctx.agency.id !== body.agency) {
    throw new EntenteError('trust_unknown_agency', `the credential was issued by agency "${body.agency}", which is not pinned here; import its card first`);
  }
  // Only CredentialVerifier sets signatureChecked, for these exact bytes under this exact root key.
  if (options.signatureChecked !== true) requireValidSignature(Credential, credential, 'issuer', ctx.agency.rootKey, `agency ${body.agency}'s root key`);
  requireCredentialValid(body, ctx.now);
  checkClearanceKnown(ctx.registry, ctx.agency.card.body.policies, body.clearance);
  return credential;
}
