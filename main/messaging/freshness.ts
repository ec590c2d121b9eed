import { EntenteError } from '../../shared/errors';
import type { NoteStore } from '../store/note-store';

/**
 * The delivery window. A note may wait at the relay up to its retention (30 days); one more day
 * covers clock skew and a late sync. Anything older is refused, so the seen-notes set only has to
 * remember the window: an id pruned from it belongs to a note that would be refused as too old
 * anyway, which keeps replay protection exact with bounded storage. A note dated more than a few
 * minutes ahead is refused too: a sender's clock that far off, or a forged date meant to outlive the
 * window, is not trusted.
 */
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export const RELAY_RETENTION_MS = 30 * DAY_MS;
export const MAX_NOTE_AGE_MS = RELAY_RETENTION_MS + DAY_MS;
export const MAX_CLOCK_AHEAD_MS = 5 * MINUTE_MS;

/** The header time in ms; the envelope schema has already checked its form. */
export function noteTimeMs(time: string): number {
  const t = Date.parse(time);
  if (!Number.isFinite(t)) throw new EntenteError('envelope_malformed', 'the note time is not a date');
  return t;
}

/** Throws note_too_old / note_from_future unless `noteTime` is within the window around `now`. */
export function checkFreshness(noteTime: number, now: number): void {
  if (now - noteTime > MAX_NOTE_AGE_MS) {
    throw new EntenteError('note_too_old', `the note was sent ${Math.floor((now - noteTime) / DAY_MS)} days ago; notes older than ${MAX_NOTE_AGE_MS / DAY_MS} days are refused`);
  }
  if (noteTime - now > MAX_CLOCK_AHEAD_MS) {
    throw new EntenteError('note_from_future', `the note is dated ${Math.ceil((noteTime - now) / MINUTE_MS)} minutes in the future; at most ${MAX_CLOCK_AHEAD_MS / MINUTE_MS} are tolerated`);
  }
}

/** Forgets seen note ids that fell out of the window (run periodically); returns how many. */
export function pruneSeen(notes: NoteStore, now: number): number {
  return notes.forgetSeenBefore(now - MAX_NOTE_AGE_MS);
}

/** The header form of an instant: UTC with exactly three fraction digits. */
export const headerTime = (ms: number): string => new Date(ms).toISOString();
