import type { z } from 'zod';
import type { NoteMeta, PageCursor } from '../../../../shared/api/notes-schemas';

/**
 * The conversation's rows as pure arithmetic: the notes loaded so far are the newest ones, contiguous
 * (index 0 the newest), and the channel's other notes, known only by their count, are placeholders
 * after them. Kept apart from React so the paging rules are tested on their own.
 */

export type Cursor = z.infer<typeof PageCursor>;

/** The newest notes asked for when the channel opens. */
export const FIRST_PAGE = 100;
/** The newest notes asked for again at each poll of the desktop. */
export const REFRESH_PAGE = 50;
/** Older notes per page: the contract's largest page, so a jump far back takes as few calls as it can. */
export const OLDER_PAGE = 200;
/** Rows loaded ahead of the last one drawn, so a steady scroll rarely meets a placeholder. */
export const LOOKAHEAD = 10;
/** A row's height until it is measured (a placeholder keeps it). */
export const ROW_ESTIMATE = 132;
/**
 * At most this many rows: 200,000 × 132 px stays under Chromium's ~33.5 million pixel limit on an
 * element's height. A larger channel's scrollbar covers its newest 200,000 notes and grows as pages load.
 */
export const MAX_ROWS = 200_000;

/** Rows of the virtual list: every note of the channel, loaded or not (capped), and none beyond the oldest. */
export function rowCount(loaded: number, total: number, next: Cursor | null): number {
  // The oldest page is in: what is loaded is the whole channel, whatever the count said a moment ago.
  if (next === null) return loaded;
  // Another page exists, so at least one row after the loaded ones; the count may lag behind a page.
  return Math.max(loaded + 1, Math.min(total, MAX_ROWS));
}

/** The placeholder rows (channel indexes `first`..`last`) on screen in the tail after the loaded notes. */
export function tailRows(view: { offset: number; height: number }, tail: { start: number; loaded: number; rows: number }, overscan: number): { first: number; last: number } | null {
  if (tail.rows <= 0) return null;
  const top = Math.floor((view.offset - tail.start) / ROW_ESTIMATE) - overscan;
  const bottom = Math.floor((view.offset + view.height - tail.start) / ROW_ESTIMATE) + overscan;
  const first = Math.max(0, top);
  const last = Math.min(tail.rows - 1, bottom);
  return last < first ? null : { first: tail.loaded + first, last: tail.loaded + last };
}

/** Whether the rows up to `index` need another older page. */
export function needsOlder(index: number, loaded: number, next: Cursor | null): boolean {
  return next !== null && index >= loaded;
}

/** Older pages (of OLDER_PAGE notes) it takes to load every row up to `index`: what a jump costs. */
export function pagesToCover(index: number, loaded: number): number {
  return index < loaded ? 0 : Math.ceil((index + 1 - loaded) / OLDER_PAGE);
}

/** Adds an older page after the loaded notes; a note already held (a page that overlaps) is not added twice. */
export function appendOlder(held: readonly NoteMeta[], older: readonly NoteMeta[]): NoteMeta[] {
  const known = new Set(held.map((n) => n.noteId));
  return [...held, ...older.filter((n) => !known.has(n.noteId))];
}

export interface Merged {
  notes: NoteMeta[];
  /** Notes not held before, now at the top. */
  added: number;
  /** The fresh page did not reach what was held (more new notes than a page): the held notes were dropped. */
  reset: boolean;
}

/**
 * Merges a fresh newest page into what is loaded: the page in its order (new notes, newer metadata
 * such as read and delivery), then the held notes it does not contain. The same array comes back when
 * nothing changed, so the list is not laid out again at every poll.
 */
export function mergeNewest(held: readonly NoteMeta[], fresh: readonly NoteMeta[], freshHasMore: boolean): Merged {
  const known = new Map(held.map((n, i) => [n.noteId, i]));
  const added = fresh.filter((n) => !known.has(n.noteId)).length;
  // No overlap with a full page: notes between the two are unknown, and the loaded ones must stay contiguous.
  if (held.length > 0 && freshHasMore && added === fresh.length) return { notes: [...fresh], added, reset: true };
  const unchanged = added === 0 && fresh.every((n, i) => known.get(n.noteId) === i && JSON.stringify(n) === JSON.stringify(held[i]));
  if (unchanged && (freshHasMore || held.length === fresh.length)) return { notes: held as NoteMeta[], added: 0, reset: false };
  // The page holds the whole channel: it is the truth, a note no longer there is not kept.
  if (!freshHasMore) return { notes: [...fresh], added, reset: false };
  const inFresh = new Set(fresh.map((n) => n.noteId));
  return { notes: [...fresh, ...held.filter((n) => !inFresh.has(n.noteId))], added, reset: false };
}
