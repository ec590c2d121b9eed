import { z } from 'zod';
import { DisplayNameText, MarkingText, RecordId, Text } from '../api/fields';
import type { Label, Policy } from '../labels/model';
import type { Language } from '../prefs';
import type { DisplayDecision, LevelRef } from './model';
import { aboveLevel } from './threshold';

/**
 * Notifications (DESIGN.md §7): what a desktop notification about new notes may say. It leaves the
 * protected window (an OS notification shows on a lock screen, over a shared screen), so it carries a
 * note's words only when all of these hold: the officer set a notification level, the note is at or
 * below it under the same policy, and the note may be shown on this workstation now. Anything else
 * is announced without content: no sender, no channel, no marking.
 */

/** The longest excerpt of a note a notification carries. */
export const NOTIFICATION_EXCERPT = 140;

export const NotificationContent = z.strictObject({
  sender: DisplayNameText,
  channel: Text(200),
  marking: MarkingText,
  excerpt: Text(NOTIFICATION_EXCERPT + 1),
});
export type NotificationContent = z.infer<typeof NotificationContent>;

export const NoteNotification = z.strictObject({
  /** Stable per batch: the OS replaces a notification with the same tag instead of stacking it. */
  tag: Text(64, 1),
  /** The channel to open on click; null when the batch spans channels. */
  channelId: RecordId.nullable(),
  /** New notes in this batch. */
  count: z.number().int().min(1).max(1_000_000),
  /** The one note's content when it may be carried; null: announced without content. */
  content: NotificationContent.nullable(),
});
export type NoteNotification = z.infer<typeof NoteNotification>;

/** Whether a note's words may ride in a notification (see above). */
export function notificationMayCarry(label: Label, level: LevelRef | null, decision: DisplayDecision, policyOf: (id: string) => Policy | undefined): boolean {
  return level !== null && decision.show && !aboveLevel(label, level, policyOf);
}

/** One line of a note for a notification: whitespace folded, cut at a word where it can be. */
export function excerptOf(text: string): string {
  // Control characters would be refused by the schema and mean nothing on a notification.
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim();
  if (flat.length <= NOTIFICATION_EXCERPT) return flat;
  const cut = flat.slice(0, NOTIFICATION_EXCERPT);
  const space = cut.lastIndexOf(' ');
  // Never cut a surrogate pair in two.
  const end = space > NOTIFICATION_EXCERPT / 2 ? space : /[\uD800-\uDBFF]$/.test(cut) ? cut.length - 1 : cut.length;
  return `${cut.slice(0, end)}…`;
}

const TEXT: Record<Language, { one: string; many: (n: number) => string; openOne: string; openMany: string }> = {
  en: { one: 'New note', many: (n) => `${n} new notes`, openOne: 'Open Entente to read it.', openMany: 'Open Entente to read them.' },
  fr: { one: 'Nouvelle note', many: (n) => `${n} nouvelles notes`, openOne: 'Ouvrez Entente pour la lire.', openMany: 'Ouvrez Entente pour les lire.' },
};

/** The title and body a notification shows, in the officer's language; the one place its words are written. */
export function notificationText(n: NoteNotification, lang: Language): { title: string; body: string } {
  const t = TEXT[lang];
  if (n.content !== null) return { title: `${n.content.sender} — ${n.content.channel}`, body: `${n.content.marking}\n${n.content.excerpt}` };
  return n.count === 1 ? { title: t.one, body: t.openOne } : { title: t.many(n.count), body: t.openMany };
}
