import { EntenteError } from '../../shared/errors';
import type { AuditSink } from '../audit/sink';
import { loadIdentity, type OfficerIdentity } from '../identity/officer';
import type { Profile } from '../identity/profile';
import type { PolicyRegistry } from '../policy';
import { NoteStore } from '../store/note-store';
import { CredentialVerifier } from '../trust/credential-cache';
import type { CredentialBody } from '../trust/objects';
import { credentialStanding } from '../trust/share';
import type { Signed } from '../trust/signed';
import { TrustStore } from '../trust/trust-store';

/**
 * Everything the messaging pipelines need from an unlocked profile, built once per unlock. The own
 * credential is deliberately not a field: it is looked up at each use (ownCredential), because it
 * can expire or be revoked while the profile stays unlocked, and a stale copy would keep sending.
 */
export interface MessagingContext {
  profile: Profile;
  identity: OfficerIdentity;
  trust: TrustStore;
  notes: NoteStore;
  /** The policies of the profile; rebuild the context after importing a policy. */
  registry: PolicyRegistry;
  verifier: CredentialVerifier;
  audit: AuditSink;
  now: () => number;
}

export interface MessagingOptions {
  /** Default: the profile's audit log. */
  audit?: AuditSink;
  now?: () => number;
  /** SPIFs known without import (the shipped ones), as for importFiles. */
  fallbackSpifs?: readonly string[];
  /** Shared between contexts of one process, so a sender's credential is verified once. */
  verifier?: CredentialVerifier;
}

export function createMessagingContext(profile: Profile, options: MessagingOptions = {}): MessagingContext {
  const trust = new TrustStore(profile.db);
  return {
    profile,
    identity: loadIdentity(profile),
    trust,
    notes: new NoteStore(profile.db),
    registry: trust.policyRegistry(options.fallbackSpifs),
    verifier: options.verifier ?? new CredentialVerifier(),
    audit: options.audit ?? profile.audit,
    now: options.now ?? Date.now,
  };
}

/**
 * The officer's own credential in force now, or the coded reason there is none: `credential_missing`
 * when the profile holds none, else the standing problem (revoked first) of the latest one.
 */
export function ownCredential(ctx: MessagingContext): Signed<CredentialBody> {
  const now = ctx.now();
  const inForce = ctx.trust.ownCredential(now);
  if (inForce !== undefined) return inForce;
  const latest = ctx.trust.credentials({ own: true })[0];
  if (latest === undefined) throw new EntenteError('credential_missing', 'This profile holds no credential; import the one your agency issued.');
  const standing = credentialStanding(latest, { now, isRevoked: ctx.trust.revocationCheck() });
  const first = standing.find((r) => r.code === 'credential_revoked') ?? standing[0];
  if (first === undefined) throw new EntenteError('credential_missing', 'This profile holds no credential in force.');
  throw new EntenteError(first.code, first.message);
}

/** "<agency>/<officer>": the key of an officer everywhere (audit subjects, outbox recipients). */
export const officerKeyText = (o: { agency: string; officerId: string }): string => `${o.agency}/${o.officerId}`;

export const sameOfficer = (a: { agency: string; officerId: string }, b: { agency: string; officerId: string }): boolean => a.agency === b.agency && a.officerId === b.officerId;

/** The officer of this profile, as the envelope and the channel members name it. */
export function self(ctx: MessagingContext): { agency: string; officerId: string; serial: number } {
  const c = ownCredential(ctx);
  return { agency: c.body.agency, officerId: c.body.officerId, serial: c.body.serial };
}
