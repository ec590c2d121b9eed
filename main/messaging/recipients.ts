import { EntenteError } from '../../shared/errors';
import { normalizeLabel } from '../../shared/labels/model';
import type { ShareReason } from '../../shared/trust/share-reasons';
import { verifySignedPrekey } from '../identity/prekeys';
import { Label, decide, validateLabel } from '../policy';
import { decodeField } from '../trust/base64url';
import { SignedPrekey, type AgreementBody, type CredentialBody, type SignedPrekeyBody } from '../trust/objects';
import { peerStatus } from '../trust/peers';
import { credentialStanding, mayShare, type ShareContext } from '../trust/share';
import { decodeSigned, type Signed } from '../trust/signed';
import { compareOfficers, type OfficerRef } from './content';
import { ownCredential, sameOfficer, type MessagingContext } from './context';

/**
 * Recipient selection, the need-to-know core (DESIGN.md §4): for one label, each member of a channel
 * either gets the note's key or is withheld, with every reason. A member gets a key only if their
 * credential is in force, its clearance passes the ACDF for the label, a countersigned sharing
 * agreement between the two agencies covers the label (none needed within one agency), their keys
 * did not change unverified, and a signed prekey of theirs verifies. The sender itself must be
 * cleared for the label. The same function serves the compose preview and the sealing.
 */

export interface WithheldRecipient {
  officer: OfficerRef;
  reasons: ShareReason[];
}

export interface RecipientPreview {
  eligible: OfficerRef[];
  withheld: WithheldRecipient[];
}

/** An eligible member with the keys its wrapped entry is made for. */
export interface SelectedRecipient extends OfficerRef {
  credential: Signed<CredentialBody>;
  prekeyId: number;
  prekey: Uint8Array;
  identityDh: Uint8Array;
}

export interface Selection {
  sender: Signed<CredentialBody>;
  /** The label in normalized form, as the header carries it. */
  label: Label;
  eligible: SelectedRecipient[];
  withheld: WithheldRecipient[];
}

const firstMessage = (reasons: readonly { message: string }[]): string => reasons.map((r) => r.message).slice(0, 3).join('; ');

/**
 * The label checks of the sender: it is a label, its policy is loaded, it is valid under the policy,
 * and the sender's own credential in force is cleared for it. Returns the credential and the label
 * normalized. Codes: label_malformed, label_unknown_policy, label_invalid, sender_not_cleared,
 * credential_missing / credential_revoked / credential_expired / credential_not_yet_valid.
 */
export function senderMayUse(ctx: MessagingContext, label: Label): { credential: Signed<CredentialBody>; label: Label } {
  const credential = ownCredential(ctx);
  const parsed = Label.safeParse(label);
  if (!parsed.success) throw new EntenteError('label_malformed', `not a label: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const normalized = normalizeLabel(parsed.data);
  const policy = ctx.registry.get(normalized.policyId);
  if (policy === undefined) throw new EntenteError('label_unknown_policy', `Unknown policy id: ${normalized.policyId}`);
  const validation = validateLabel(policy, normalized);
  if (!validation.valid) throw new EntenteError('label_invalid', `the label is not valid under ${policy.name}: ${firstMessage(validation.reasons)}`);
  const decision = decide(policy, normalized, credential.body.clearance);
  if (!decision.granted) throw new EntenteError('sender_not_cleared', `you are not cleared for this label: ${firstMessage(decision.reasons)}`);
  return { credential, label: normalized };
}

/** The members of a channel (channel_unknown; sender_not_member when this officer is not one of them). */
export function channelMembers(ctx: MessagingContext, channelId: string): OfficerRef[] {
  const channel = ctx.notes.channel(channelId);
  if (channel === undefined) throw new EntenteError('channel_unknown', `there is no channel ${channelId} in this profile`);
  const me = ownCredential(ctx).body;
  if (!channel.members.some((m) => sameOfficer(m, me))) throw new EntenteError('sender_not_member', 'you are no longer a member of this channel');
  return channel.members;
}

function shareContext(ctx: MessagingContext, now: number): ShareContext {
  return { now, registry: ctx.registry, isRevoked: ctx.trust.revocationCheck() };
}

/** The newest signed prekey of the officer that verifies against `credential` now, if any. */
export function usablePrekey(ctx: MessagingContext, credential: Signed<CredentialBody>, now: number): Signed<SignedPrekeyBody> | undefined {
  const who = { agency: credential.body.agency, officerId: credential.body.officerId };
  for (const row of ctx.notes.peerPrekeys(who)) {
    try {
      return verifySignedPrekey(decodeSigned(SignedPrekey, new TextEncoder().encode(row.signed)), credential, now);
    } catch (err) {
      // An expired or foreign prekey is simply not usable; anything else is a program error.
      if (!(err instanceof EntenteError)) throw err;
    }
  }
  return undefined;
}

type Candidate = { ok: true; recipient: SelectedRecipient } | { ok: false; withheld: WithheldRecipient };

function judge(ctx: MessagingContext, member: OfficerRef, fromAgency: string, label: Label, share: ShareContext, agreements: readonly Signed<AgreementBody>[]): Candidate {
  const officer = { agency: member.agency, officerId: member.officerId };
  // Newest issued first: a re-issued credential (new keys) is preferred to the one it replaces.
  const held = ctx.trust
    .credentials({ own: false, agency: member.agency, officerId: member.officerId })
    .sort((x, y) => Date.parse(y.body.notBefore) - Date.parse(x.body.notBefore) || y.body.serial - x.body.serial);
  if (held.length === 0) {
    return { ok: false, withheld: { officer, reasons: [{ code: 'credential_missing', message: `no credential of ${member.officerId} (${member.agency}) is held here` }] } };
  }
  // The newest credential in force speaks for the officer (a later credential with a lower clearance
  // is not overridden by an older one still valid); with none in force, the newest one's standing.
  const chosen = held.find((c) => credentialStanding(c, share).length === 0) ?? (held[0] as (typeof held)[number]);
  const reasons: ShareReason[] = [...mayShare(agreements, fromAgency, label, chosen, share).reasons];
  if (!peerSendable(ctx, member)) {
    reasons.push({ code: 'key_change_unverified', message: `the keys of ${member.officerId} (${member.agency}) changed; compare the new safety number before sending` });
  }
  const prekey = usablePrekey(ctx, chosen, share.now);
  if (prekey === undefined) {
    reasons.push({ code: 'prekey_unavailable', message: `no valid signed prekey of ${member.officerId} (${member.agency}) is held here` });
  }
  if (reasons.length > 0 || prekey === undefined) return { ok: false, withheld: { officer, reasons } };
  return {
    ok: true,
    recipient: { ...officer, credential: chosen, prekeyId: prekey.body.prekeyId, prekey: decodeField(prekey.body.key), identityDh: decodeField(chosen.body.agreementKey) },
  };
}

function peerSendable(ctx: MessagingContext, member: OfficerRef): boolean {
  try {
    return peerStatus(ctx.profile.db, ctx.identity, member.agency, member.officerId).sendable;
  } catch (err) {
    // No peer row: its credential was never imported, which is reported as credential_missing.
    if (err instanceof EntenteError && err.code === 'peer_unknown') return true;
    throw err;
  }
}

/** Selects the recipients of a note labelled `label` among `members` (the sender is skipped). */
export function selectRecipients(ctx: MessagingContext, members: readonly OfficerRef[], label: Label): Selection {
  const { credential, label: normalized } = senderMayUse(ctx, label);
  const now = ctx.now();
  const share = shareContext(ctx, now);
  const agreements = ctx.trust.agreements();
  const eligible: SelectedRecipient[] = [];
  const withheld: WithheldRecipient[] = [];
  const seen = new Set<string>();
  for (const member of [...members].sort(compareOfficers)) {
    const key = `${member.agency}/${member.officerId}`;
    if (seen.has(key) || sameOfficer(member, credential.body)) continue;
    seen.add(key);
    const c = judge(ctx, member, credential.body.agency, normalized, share, agreements);
    if (c.ok) eligible.push(c.recipient);
    else withheld.push(c.withheld);
  }
  return { sender: credential, label: normalized, eligible, withheld };
}

/**
 * The compose preview: who would get a key to a note labelled `label` in the channel (or among the
 * given members), and who is withheld and why. Throws the sender's own problems (see senderMayUse).
 */
export function previewRecipients(ctx: MessagingContext, target: string | readonly OfficerRef[], label: Label): RecipientPreview {
  const members = typeof target === 'string' ? channelMembers(ctx, target) : target;
  const s = selectRecipients(ctx, members, label);
  return { eligible: s.eligible.map((r) => ({ agency: r.agency, officerId: r.officerId })), withheld: s.withheld };
}

/**
 * Audit details: who got a key, who was withheld, and one "<agency>/<officer>:<code>" per reason
 * (codes only, never the messages: each item stays a short identifier, as the audit log requires).
 */
export function selectionDetails(s: Pick<Selection, 'eligible' | 'withheld'>): Record<string, readonly string[]> {
  return {
    eligible: s.eligible.map((r) => `${r.agency}/${r.officerId}`),
    withheld: s.withheld.map((w) => `${w.officer.agency}/${w.officer.officerId}`),
    reasons: s.withheld.flatMap((w) => [...new Set(w.reasons.map((r) => r.code))].map((code) => `${w.officer.agency}/${w.officer.officerId}:${code}`)),
  };
}
