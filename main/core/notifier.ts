import { excerptOf, notificationMayCarry, type NoteNotification, type NotificationContent } from '../../shared/display';
import type { Language } from '../../shared/prefs';
import type { SyncEvent } from '../messaging';
import type { NoteRecord } from '../store/note-store';
import type { EventHub } from './event-hub';
import { Markings, Names } from './note-view';
import type { OpenSession } from './session';
import { viewerOf } from './viewer';

/**
 * Turns what the sync session does into events for the renderer: channels whose notes changed, and a
 * notification for notes that arrived. Events are gathered for a short while so a catch-up of a
 * thousand notes after unlock is one refresh and one "1000 new notes", not a thousand. The content
 * decision (shared/display/notification.ts) is taken when the batch goes out, with the settings and
 * credential of that moment; after a lock nothing goes out at all.
 */

/** How long events are gathered before they go out. */
export const NOTIFY_BATCH_MS = 300;

export interface NotifierOptions {
  hub: EventHub;
  lang: () => Language;
  batchMs?: number;
}

export class Notifier {
  readonly #s: OpenSession;
  readonly #o: NotifierOptions;
  readonly #changed = new Set<string>();
  readonly #arrived: string[] = [];
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  #batches = 0;

  constructor(session: OpenSession, options: NotifierOptions) {
    this.#s = session;
    this.#o = options;
  }

  /** A sync session's listener. */
  readonly onSync = (e: SyncEvent): void => {
    if (this.#closed) return;
    if (e.type === 'received') {
      this.#changed.add(e.channelId);
      this.#arrived.push(e.noteId);
    } else if (e.type === 'delivery') {
      const note = this.#s.profile.isLocked ? undefined : this.#s.ctx.notes.note(e.noteId);
      if (note !== undefined) this.#changed.add(note.channelId);
    } else {
      return;
    }
    this.#timer ??= setTimeout(() => this.flush(), this.#o.batchMs ?? NOTIFY_BATCH_MS);
  };

  /** Sends what was gathered now (the timer's job; tests call it to avoid waiting). */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#closed || this.#s.profile.isLocked) return this.close();
    const channelIds = [...this.#changed];
    const arrived = this.#arrived.splice(0);
    this.#changed.clear();
    if (channelIds.length > 0) this.#o.hub.emit({ kind: 'notes.changed', channelIds: channelIds.slice(0, 256) });
    const notification = this.#notification(arrived);
    if (notification !== null) this.#o.hub.emit({ kind: 'notification', notification });
  }

  /** Drops whatever is pending: the profile is locking. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#changed.clear();
    this.#arrived.length = 0;
  }

  #notification(noteIds: readonly string[]): NoteNotification | null {
    const notes = noteIds.map((id) => this.#s.ctx.notes.note(id)).filter((n): n is NoteRecord => n !== undefined && n.kind === 'note' && n.direction === 'in' && !n.read);
    const first = notes[0];
    if (first === undefined) return null;
    this.#batches += 1;
    const tag = `entente-${this.#batches}`;
    const channels = new Set(notes.map((n) => n.channelId));
    const channelId = channels.size === 1 ? first.channelId : null;
    if (notes.length > 1) return { tag, channelId, count: notes.length, content: null };
    return { tag, channelId, count: 1, content: this.#content(first) };
  }

  #content(note: NoteRecord): NotificationContent | null {
    const viewer = viewerOf(this.#s, this.#o.lang());
    const level = this.#s.settings.notificationLevel;
    if (!notificationMayCarry(note.label, level, viewer.decide(note.label), viewer.policyOf)) return null;
    const sender = new Names(this.#s.ctx).officer(note.sender);
    const content: NotificationContent = {
      // As the conversation names a sender: "Camille Martin, Service de liaison".
      sender: `${sender.name ?? sender.officerId}, ${sender.agencyName ?? sender.agency}`.slice(0, 200),
      channel: (this.#s.ctx.notes.channel(note.channelId)?.name ?? '').slice(0, 200),
      marking: new Markings(viewer).of(note.label, note.labelJson).marking,
      excerpt: excerptOf(note.body),
    };
    // The words left the protected window: that is a display, and the security officer sees it as one.
    this.#s.ctx.audit.record({ type: 'note_displayed', outcome: 'ok', actor: 'self', subjects: [note.noteId], channel: note.channelId, label: note.label, details: { shownAs: 'notification' } });
    return content;
  }
}
