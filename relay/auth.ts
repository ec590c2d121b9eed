import { EntenteError } from '../shared/errors';
import type { AuthFailure } from '../shared/wire/relay-frames';
import { verifyDetached } from '../main/crypto/sodium';
import { relayAuthMessage } from '../main/transport/relay-auth';
import { decodeField, fromBase64url } from '../main/trust/base64url';
import { timestampMs } from '../main/trust/fields';
import { Credential, type CredentialBody } from '../main/trust/objects';
import { decodeSigned, hasValidSignature, type Signed } from '../main/trust/signed';
import { validityAt, type PinnedAgency } from '../main/trust/verify';

/**
 * Authentication of a connection (docs/RELAY.md §3): the credential must come from an agency in the
 * relay's trust list, be signed by that agency's pinned root key, be in force and not revoked; and the
 * officer must have signed this connection's challenge with the credential's identity key.
 * The relay does not check the clearance against policies: it holds no SPIFs and decides nothing
 * about labels; recipients do.
 */

export class RelayAuthError extends EntenteError {
  constructor(
    readonly reason: AuthFailure,
    message: string,
  ) {
    super('relay_auth_failed', message);
  }
}

export interface AuthenticatedOfficer {
  agency: string;
  officerId: string;
  serial: number;
  /** base64url Ed25519 public key. */
  identityKey: string;
  /** "agency/officerId". */
  key: string;
  notAfter: number;
  credential: Signed<CredentialBody>;
  credentialText: string;
}

export interface TrustContext {
  agencies: ReadonlyMap<string, PinnedAgency>;
  isRevoked: (agency: string, serial: number) => boolean;
}

/** Decodes and checks a credential file against the trust list, revocations and the time. */
export function verifyRelayCredential(text: string, trust: TrustContext, now: number): Signed<CredentialBody> {
  let credential: Signed<CredentialBody>;
  try {
    credential = decodeSigned(Credential, new TextEncoder().encode(text));
  } catch (err) {
    throw new RelayAuthError('credential_malformed', `the credential could not be read: ${err instanceof Error ? err.message : 'malformed'}`);
  }
  const c = credential.body;
  const agency = trust.agencies.get(c.agency);
  if (agency === undefined) throw new RelayAuthError('unknown_agency', `agency ${c.agency} is not in this relay's trust list`);
  if (!hasValidSignature(Credential, credential, 'issuer', agency.rootKey)) {
    throw new RelayAuthError('issuer_signature_invalid', `the credential is not signed by the root key pinned for ${c.agency}`);
  }
  const validity = validityAt(c, now);
  if (validity === 'expired') throw new RelayAuthError('credential_expired', `the credential of ${c.officerId} expired at ${c.notAfter}`);
  if (validity === 'not_yet_valid') throw new RelayAuthError('credential_not_yet_valid', `the credential of ${c.officerId} is not valid before ${c.notBefore}`);
  if (trust.isRevoked(c.agency, c.serial)) throw new RelayAuthError('credential_revoked', `${c.agency} revoked the credential with serial ${c.serial}`);
  return credential;
}

/** Checks an auth frame against the nonce this connection sent; one call per connection. */
export function authenticate(frame: { credential: string; signature: string }, nonce: Uint8Array, relayId: string, trust: TrustContext, now: number): AuthenticatedOfficer {
  const credential = verifyRelayCredential(frame.credential, trust, now);
  const c = credential.body;
  const signature = fromBase64url(frame.signature);
  if (signature === null || !verifyDetached(signature, relayAuthMessage(nonce, relayId), decodeField(c.identityKey))) {
    throw new RelayAuthError('signature_invalid', "the signature does not verify with the credential's identity key over this connection's challenge");
  }
  return {
    agency: c.agency,
    officerId: c.officerId,
    serial: c.serial,
    identityKey: c.identityKey,
    key: `${c.agency}/${c.officerId}`,
    notAfter: timestampMs(c.notAfter),
    credential,
    credentialText: frame.credential,
  };
}
