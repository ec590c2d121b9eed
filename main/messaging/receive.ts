import { EntenteError, type ErrorCode } from '../../shared/errors';
import type { ShareReason } from '../../shared/trust/share-reasons';
import { MAX_ENVELOPE_BYTES, openEnvelope, parseEnvelope, verifyEnvelopeSignature, type ParsedEnvelope } from '../crypto/envelope';
import { wipe } from '../crypto/sodium';
import { prekeySecret } from '../identity/prekeys';
import { decide, validateLabel, type Label } from '../policy';
import type { NoteRecord } from '../store/note-store';
import { decodeField } from '../trust/base64url';
import type { CredentialBody } from '../trust/objects';
import { credentialStanding, mayShare } from '../trust/share';
import type { Signed } from '../trust/signed';
import { planControl } from './channels';
import { decodeContent, describeControl } from './content';
import { officerKeyText, ownCredential, sameOfficer, type MessagingContext } from './context';
import { checkFreshness, noteTimeMs } from './freshness';

/**
 * The receive pipeline (DESIGN.md §4), in this order, each step refusing with a code:
 *   size → parse → sender credential and standing → signature → freshness → replay and sequence →
 *   own entry → unwrap → key commitment → decrypt (openEnvelope) → label valid under its policy →
 *   sender cleared → agreement covers it → own clearance → content → channel rules → store.
 * Nothing is written before the last step, which stores the note, marks it seen, applies a control
 * change and records the audit event in one transaction. A refusal is returned (never thrown) and
 * audited as note_rejected; only program errors (profile locked, database damaged) throw.
 */

/** `noteId` of a rejection is the id the header claims, when it parsed (for the transport's acknowledgement). */
export type ReceiveResult = { status: 'stored'; note: NoteRecord } | { status: 'rejected'; code: ErrorCode; message: string; noteId?: string };

const reject = (code: ErrorCode, message: string) => new EntenteError(code, message);

/** Errors that say something about the program or the profile, not about the envelope: they propagate. */
function isProgramError(err: unknown): boolean {
  if (!(err instanceof EntenteError)) return true;
  return err.code === 'profile_locked' || err.code === 'internal' || err.code === 'identity_missing' || err.code.startsWith('database_') || err.code.startsWith('audit_');
}

export function receiveEnvelope(ctx: MessagingContext, bytes: Uint8Array): ReceiveResult {
  const seen: { env?: ParsedEnvelope } = {};
  try {
    return { status: 'stored', note: receive(ctx, bytes, seen) };
  } catch (err) {
    if (isProgramError(err)) throw err;
    const e = err as EntenteError;
    const h = seen.env?.header;
    const size = bytes instanceof Uint8Array ? bytes.length : 0;
    // The header is not trusted here (the signature may not have been checked): the sender is "claimed".
    ctx.audit.record(
      h === undefined
        ? { type: 'note_rejected', outcome: 'refused', code: e.code, details: { bytes: size } }
        : { type: 'note_rejected', outcome: 'refused', code: e.code, subjects: [h.id], channel: h.channel, details: { bytes: size, kind: h.kind, claimedSender: officerKeyText(h.sender) } },
    );
    return { status: 'rejected', code: e.code, message: e.message, ...(h === undefined ? {} : { noteId: h.id }) };
  }
}

function receive(ctx: MessagingContext, bytes: Uint8Array, seen: { env?: ParsedEnvelope }): NoteRecord {
  if (!(bytes instanceof Uint8Array)) throw reject('envelope_malformed', 'not bytes');
  if (bytes.length > MAX_ENVELOPE_BYTES) throw reject('envelope_too_large', `the envelope is ${bytes.length} bytes; the limit is ${MAX_ENVELOPE_BYTES}`);
  const env = parseEnvelope(bytes);
  seen.env = env;
  const h = env.header;
  const now = ctx.now();

  const sender = senderCredential(ctx, h.sender, now);
  verifyEnvelopeSignature(env, decodeField(sender.body.identityKey));

  const noteTime = noteTimeMs(h.time);
  checkFreshness(noteTime, now);
  if (ctx.notes.seen(h.id) || ctx.notes.note(h.id) !== undefined) throw reject('note_replayed', 'this note was already received');
  const earlier = ctx.notes.noteIdForSequence(h.sender, h.seq);
  if (earlier !== undefined && earlier !== h.id) throw reject('note_sequence_reused', `${officerKeyText(h.sender)} already used sequence ${h.seq} for another note`);

  const me = ownCredential(ctx);
  const self = { agency: me.body.agency, officerId: me.body.officerId };
  if (!h.recipients.some((r) => sameOfficer(r, self))) throw reject('envelope_not_addressed', `the note is not addressed to ${officerKeyText(self)}`);
  const plaintext = open(ctx, env, self);
  let content;
  try {
    checkLabel(ctx, h.label, sender, me, now);
    content = decodeContent(plaintext, h.kind);
  } finally {
    wipe(plaintext);
  }

  const signer = { agency: h.sender.agency, officerId: h.sender.officerId };
  let apply: ((at: number) => void) | undefined;
  if (content.type === 'control') {
    apply = planControl(ctx, h.channel, signer, self, content);
  } else {
    const channel = ctx.notes.channel(h.channel);
    if (channel === undefined) throw reject('channel_unknown', 'the note is for a channel unknown here');
    if (!channel.members.some((m) => sameOfficer(m, signer))) throw reject('sender_not_member', `${officerKeyText(signer)} is not a member of the channel`);
    if (!channel.members.some((m) => sameOfficer(m, self))) throw reject('channel_unknown', 'this officer was removed from the channel');
  }

  const body = content.type === 'note' ? content.text : describeControl(content);
  return ctx.profile.db.transaction(() => {
    ctx.notes.recordSeen({ noteId: h.id, sender: { ...h.sender }, seq: h.seq, noteTime, seenAt: now });
    apply?.(now);
    ctx.notes.insertNote({ noteId: h.id, channelId: h.channel, direction: 'in', kind: h.kind, sender: { ...h.sender }, senderSeq: h.seq, sentAt: noteTime, receivedAt: now, label: h.label, body, read: false });
    ctx.audit.record({ type: 'note_received', outcome: 'ok', actor: officerKeyText(signer), subjects: [h.id], channel: h.channel, label: h.label, details: { kind: h.kind, seq: h.seq } });
    const note = ctx.notes.note(h.id);
    if (note === undefined) throw new EntenteError('internal', 'the note just stored cannot be read back');
    return note;
  });
}

/**
 * The sender's credential named by the header, held in this profile, in force now (revoked first),
 * re-verified against its pinned agency. Codes: sender_unknown, credential_revoked,
 * credential_expired, credential_not_yet_valid, and those of verifyCredential.
 */
function senderCredential(ctx: MessagingContext, ref: { agency: string; officerId: string; serial: number }, now: number): Signed<CredentialBody> {
  const credential = ctx.trust.credentials({ agency: ref.agency, officerId: ref.officerId }).find((c) => c.body.serial === ref.serial);
  if (credential === undefined) throw reject('sender_unknown', `no credential of ${officerKeyText(ref)} with serial ${ref.serial} is held here`);
  const standing = credentialStanding(credential, { now, isRevoked: ctx.trust.revocationCheck() });
  const first = standing.find((r) => r.code === 'credential_revoked') ?? standing[0];
  if (first !== undefined) throw reject(first.code, first.message);
  return ctx.verifier.verify(credential, { agency: ctx.trust.agency(ref.agency), registry: ctx.registry, now });
}

function open(ctx: MessagingContext, env: ParsedEnvelope, self: { agency: string; officerId: string }): Uint8Array {
  const taken: Uint8Array[] = [];
  try {
    return openEnvelope(env, {
      ...self,
      identityDhSecret: ctx.identity.dhSecret,
      prekeySecret: (id) => {
        const secret = prekeySecret(ctx.profile, id);
        taken.push(secret);
        return secret;
      },
    });
  } finally {
    // The profile also holds these for wiping on lock; wiping now only shortens their life.
    wipe(...taken);
  }
}

const AGREEMENT_GAPS = new Set(['agreement_expired', 'agreement_not_yet_valid', 'policy_not_covered', 'above_ceiling', 'category_not_permitted']);
const STANDING = new Set(['credential_expired', 'credential_not_yet_valid', 'credential_revoked']);

const summary = (reasons: readonly { message: string }[]): string => reasons.map((r) => r.message).slice(0, 3).join('; ');

/**
 * The label checks after decryption: valid under a loaded policy, the sender cleared for it, an
 * agreement between the agencies covering it (none needed within one agency), this officer cleared.
 */
function checkLabel(ctx: MessagingContext, label: Label, sender: Signed<CredentialBody>, me: Signed<CredentialBody>, now: number): void {
  const policy = ctx.registry.get(label.policyId);
  if (policy === undefined) throw reject('label_unknown_policy', `Unknown policy id: ${label.policyId}`);
  const validation = validateLabel(policy, label);
  if (!validation.valid) throw reject('label_invalid', `the label is not valid under ${policy.name}: ${summary(validation.reasons)}`);
  const senderDecision = decide(policy, label, sender.body.clearance);
  if (!senderDecision.granted) throw reject('sender_not_cleared', `the sender is not cleared for the note's label: ${summary(senderDecision.reasons)}`);
  const decision = mayShare(ctx.trust.agreements(), sender.body.agency, label, me, { now, registry: ctx.registry, isRevoked: ctx.trust.revocationCheck() });
  if (decision.allowed) return;
  const of = (pick: (r: ShareReason) => boolean) => decision.reasons.filter(pick);
  const standing = of((r) => STANDING.has(r.code));
  if (standing[0] !== undefined) throw reject(standing[0].code as ErrorCode, standing[0].message);
  const missing = of((r) => r.code === 'no_agreement');
  if (missing.length > 0) throw reject('agreement_missing', summary(missing));
  const gaps = of((r) => AGREEMENT_GAPS.has(r.code));
  if (gaps.length > 0) throw reject('agreement_ceiling_exceeded', `no sharing agreement in force covers the label: ${summary(gaps)}`);
  throw reject('recipient_not_cleared', `this officer is not cleared for the note's label: ${summary(decision.reasons)}`);
}
