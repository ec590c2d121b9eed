import { z } from 'zod';
import { NoteNotification } from '../display/notification';
import { RecordId } from './fields';

/**
 * What main tells the renderer without being asked (Electron: `webContents.send` on EVENT_CHANNEL;
 * the browser bridge: an `event` frame). Events never carry a note's body beyond what a notification
 * may (shared/display/notification.ts): the renderer reads notes through the calls, which decide again.
 */
export const EVENT_CHANNEL = 'entente:event';

export const AppEvent = z.discriminatedUnion('kind', [
  /** Notes arrived in, or delivery states changed for, these channels: read them again. */
  z.strictObject({ kind: z.literal('notes.changed'), channelIds: z.array(RecordId).max(256) }),
  /** The profile locked without the renderer asking (auto-lock). */
  z.strictObject({ kind: z.literal('session.locked') }),
  /** New notes, announced as the notification settings allow. */
  z.strictObject({ kind: z.literal('notification'), notification: NoteNotification }),
]);
export type AppEvent = z.infer<typeof AppEvent>;
