import { EntenteError } from '../../shared/errors';
import { sodiumReady } from '../../main/crypto/sodium';
import { ownCredential, type MessagingContext } from '../../main/messaging/context';
import { mayReadNow } from '../../main/messaging/search';
import { decide, renderLabelMarking, type Label } from '../../main/policy';
import type { ChannelRecord, NoteRecord } from '../../main/store/note-store';
import type { Command } from '../command';
import { langOption, optionalString } from '../options';
import { passphraseFileOption } from '../passphrase';
import { withProfile } from '../profile';
import { messagingContext, officerText } from '../relay-session';

const PAGE = 1000;

/** Every note (not channel control notes) of the channels, oldest first; within a channel in stored order. */
function notesOf(ctx: MessagingContext, channels: readonly ChannelRecord[]): { note: NoteRecord; channel: ChannelRecord }[] {
  const all: { note: NoteRecord; channel: ChannelRecord }[] = [];
  for (const channel of channels) {
    const newestFirst: NoteRecord[] = [];
    let before: { sentAt: number; noteId: string } | undefined;
    for (;;) {
      const page = ctx.notes.page(channel.channelId, { limit: PAGE, ...(before === undefined ? {} : { before }) });
      newestFirst.push(...page);
      const last = page.at(-1);
      if (page.length < PAGE || last === undefined) break;
      before = { sentAt: last.sentAt, noteId: last.noteId };
    }
    for (const note of newestFirst.reverse()) if (note.kind === 'note') all.push({ note, channel });
  }
  // Stable: notes sent in the same millisecond keep their channel's stored order.
  return all.sort((a, b) => a.note.sentAt - b.note.sentAt);
}

/** Why the officer may not read a note with `label` now: their credential's standing, else the first ACDF reason. */
function unreadableReason(ctx: MessagingContext, label: Label): string {
  let clearance;
  try {
    clearance = ownCredential(ctx).body.clearance;
  } catch (err) {
    if (err instanceof EntenteError) return err.code;
    throw err;
  }
  return decide(ctx.registry.get(label.policyId), label, clearance).reasons[0]?.code ?? 'recipient_not_cleared';
}

export const messagesCommand: Command = {
  path: ['messages'],
  summary: 'list the notes this officer may read now, oldest first, each once',
  usage: [
    'entente messages --profile P [--channel ID] [--lang en|fr] [--passphrase-file F] --json',
    '',
    'Each note: noteId, channel, sender, direction, time, label, marking, text and, for notes sent,',
    'the delivery state per recipient. Notes held but no longer readable (a revoked credential, a',
    'lowered clearance) are listed under "unreadable", without their text. Run `entente sync` first.',
  ].join('\n'),
  options: { profile: { type: 'string' }, channel: { type: 'string' }, lang: { type: 'string' }, json: { type: 'boolean' }, ...passphraseFileOption },
  async run(values, _positionals, io) {
    const lang = langOption(values);
    const channelId = optionalString(values, 'channel');
    await sodiumReady();
    const listing = await withProfile(io, values, (profile) => {
      const ctx = messagingContext(profile);
      let channels: ChannelRecord[];
      if (channelId === undefined) channels = ctx.notes.channels();
      else {
        const one = ctx.notes.channel(channelId);
        if (one === undefined) throw new EntenteError('channel_unknown', `there is no channel ${channelId} in this profile`);
        channels = [one];
      }
      const mayRead = mayReadNow(ctx);
      const marking = (label: Label): string => {
        const policy = ctx.registry.get(label.policyId);
        return policy === undefined ? `(policy ${label.policyId})` : renderLabelMarking(policy, label, { lang });
      };
      const messages: Record<string, unknown>[] = [];
      const unreadable: Record<string, unknown>[] = [];
      // Showing a note's text is a display: audited like the app's (subjects and label, never the text).
      profile.db.transaction(() => {
        for (const { note, channel } of notesOf(ctx, channels)) {
          const where = { id: channel.channelId, name: channel.name };
          if (!mayRead(note.label)) {
            const reason = unreadableReason(ctx, note.label);
            unreadable.push({ noteId: note.noteId, channel: where, marking: marking(note.label), reason });
            ctx.audit.record({ type: 'note_withheld', outcome: 'refused', actor: 'self', subjects: [note.noteId], channel: channel.channelId, label: note.label, code: reason });
            continue;
          }
          messages.push({
            noteId: note.noteId,
            channel: where,
            sender: { agency: note.sender.agency, officerId: note.sender.officerId },
            direction: note.direction,
            time: new Date(note.sentAt).toISOString(),
            label: JSON.parse(note.labelJson) as unknown,
            marking: marking(note.label),
            text: note.body,
            ...(note.direction === 'out' ? { delivery: ctx.notes.receipts(note.noteId).map((r) => ({ agency: r.agency, officerId: r.officerId, state: r.state })) } : {}),
          });
          ctx.audit.record({ type: 'note_displayed', outcome: 'ok', actor: 'self', subjects: [note.noteId], channel: channel.channelId, label: note.label });
        }
      });
      return { messages, unreadable };
    });
    if (values.json === true) {
      io.out(JSON.stringify(listing));
      return 0;
    }
    for (const m of listing.messages) {
      const { channel, sender, time, text } = m as { channel: { name: string }; sender: { agency: string; officerId: string }; time: string; text: string };
      io.out(`${time}  [${channel.name}]  ${officerText(sender)}  ${String(m.marking)}`);
      for (const line of text.split('\n')) io.out(`    ${line}`);
    }
    for (const u of listing.unreadable) io.out(`${String(u.noteId)}  ${String(u.marking)}: not readable now (${String(u.reason)})`);
    if (listing.messages.length === 0 && listing.unreadable.length === 0) io.out('no notes');
    return 0;
  },
};
