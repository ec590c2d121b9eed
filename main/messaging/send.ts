import { EntenteError } from '../../shared/errors';
import type { ShareReason } from '../../shared/trust/share-reasons';
import { sealEnvelope } from '../crypto/envelope';
import { wipe } from '../crypto/sodium';
import type { Label } from '../policy';
import type { NoteRecord } from '../store/note-store';
import { CONTENT_VERSION, encodeContent, type Content, type OfficerRef } from './content';
import { officerKeyText, type MessagingContext } from './context';
import { headerTime } from './freshness';
import { channelMembers, selectRecipients, selectionDetails, type WithheldRecipient } from './recipients';

/**
 * The send pipeline: content → recipient selection → one transaction that allocates the per-sender
 * sequence, seals, and stores the own copy, the outbox entry with its receipts and the audit event,
 * so a crash leaves either all of them or none (the outbox never holds a note the officer cannot see,
 * and a sequence number is never used twice).
 */

export interface SentNote {
  note: NoteRecord;
  /** The sealed envelope, as queued in the outbox. */
  envelope: Uint8Array;
  eligible: OfficerRef[];
  withheld: WithheldRecipient[];
}

export interface SealPlan {
  channelId: string;
  kind: 'note' | 'control';
  label: Label;
  content: Content;
  /** Who may get a key (the sender is skipped). */
  members: readonly OfficerRef[];
  /** The stored body of the own copy. */
  body: string;
  /** A local change made in the same transaction, before the note row (a control note's channel change). */
  apply?: (at: number) => void;
}

const refOf = (o: OfficerRef): OfficerRef => ({ agency: o.agency, officerId: o.officerId });

/** Seals `plan` for its eligible members and stores it; no_eligible_recipient when nobody may have it. */
export function sealAndStore(ctx: MessagingContext, plan: SealPlan): SentNote {
  const selection = selectRecipients(ctx, plan.members, plan.label);
  const plaintext = encodeContent(plan.content);
  try {
    const details = selectionDetails(selection);
    if (selection.eligible.length === 0) {
      ctx.audit.record({ type: 'note_sealed', outcome: 'refused', actor: 'self', channel: plan.channelId, label: selection.label, code: 'no_eligible_recipient', details: { kind: plan.kind, ...details } });
      throw new EntenteError('no_eligible_recipient', `nobody in the channel may receive a note with this label${withheldSummary(selection.withheld)}`);
    }
    const sender = selection.sender.body;
    const now = ctx.now();
    const time = headerTime(now);
    const { note, envelope } = ctx.profile.db.transaction(() => {
      const seq = ctx.notes.nextSendSequence();
      const sealed = sealEnvelope({
        channel: plan.channelId,
        kind: plan.kind,
        sender: { agency: sender.agency, officerId: sender.officerId, serial: sender.serial },
        time,
        seq,
        label: selection.label,
        recipients: selection.eligible.map((r) => ({ agency: r.agency, officerId: r.officerId, prekeyId: r.prekeyId, prekey: r.prekey, identityDh: r.identityDh })),
        plaintext,
        signSecret: ctx.identity.signSecret,
      });
      const noteId = sealed.header.id;
      plan.apply?.(now);
      ctx.notes.insertNote({
        noteId,
        channelId: plan.channelId,
        direction: 'out',
        kind: plan.kind,
        sender: { agency: sender.agency, officerId: sender.officerId, serial: sender.serial },
        senderSeq: seq,
        sentAt: Date.parse(time),
        receivedAt: now,
        label: selection.label,
        body: plan.body,
        read: true,
      });
      ctx.notes.enqueue({ noteId, channelId: plan.channelId, envelope: sealed.bytes, recipients: selection.eligible.map(refOf), createdAt: now });
      ctx.audit.record({ type: 'note_sealed', outcome: 'ok', actor: 'self', subjects: [noteId], channel: plan.channelId, label: selection.label, details: { kind: plan.kind, seq, ...details } });
      return { note: ctx.notes.note(noteId), envelope: sealed.bytes };
    });
    if (note === undefined) throw new EntenteError('internal', 'the note just stored cannot be read back');
    return { note, envelope, eligible: selection.eligible.map(refOf), withheld: selection.withheld };
  } finally {
    wipe(plaintext);
  }
}

function withheldSummary(withheld: readonly WithheldRecipient[]): string {
  if (withheld.length === 0) return ' (the channel has no other member)';
  const codes = (reasons: readonly ShareReason[]) => [...new Set(reasons.map((r) => r.code))].join(', ');
  return `: ${withheld.slice(0, 5).map((w) => `${officerKeyText(w.officer)} (${codes(w.reasons)})`).join('; ')}${withheld.length > 5 ? '; …' : ''}`;
}

export interface NoteDraft {
  channelId: string;
  label: Label;
  text: string;
}

/**
 * Sends a note to the channel: every member the label may go to gets a key, the others are withheld
 * (returned and audited with reasons). Codes: channel_unknown, sender_not_member, label_*,
 * sender_not_cleared, credential_*, note_too_long, invalid_input (empty text), no_eligible_recipient.
 */
export function sendNote(ctx: MessagingContext, draft: NoteDraft): SentNote {
  const members = channelMembers(ctx, draft.channelId);
  const text = draft.text.normalize('NFC');
  return sealAndStore(ctx, { channelId: draft.channelId, kind: 'note', label: draft.label, content: { v: CONTENT_VERSION, type: 'note', text }, members, body: text });
}
