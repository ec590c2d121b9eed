import { useCallback, useEffect, useRef, useState } from 'react';
import type { EntenteApi } from '../../../../shared/api/contract';
import type { NoteMeta } from '../../../../shared/api/notes-schemas';
import { appendOlder, FIRST_PAGE, mergeNewest, needsOlder, OLDER_PAGE, REFRESH_PAGE, type Cursor } from './note-paging';

export interface NotePages {
  /** The newest notes of the channel, contiguous, newest first. */
  notes: NoteMeta[];
  /** The channel's note count, as the latest page said. */
  total: number;
  /** The cursor of the next older page; null once the oldest note is loaded. */
  next: Cursor | null;
  /** The first page has arrived. */
  ready: boolean;
  /** Older pages: being fetched, or the last one failed (no retry until asked). */
  older: 'idle' | 'loading' | 'failed';
  /** Raised when a refresh added notes at the top (`added` of them), so the view can keep its place. */
  head: { changes: number; added: number };
  /** The view draws rows up to this index: older pages load, one at a time, until it is covered. */
  want: (index: number) => void;
  /** After a failure: try the older pages again. */
  retry: () => void;
}

interface Held {
  notes: NoteMeta[];
  total: number;
  next: Cursor | null;
}

/**
 * The pages of one channel's notes. One older page at a time (never two for the same cursor), each
 * asked only while the rows the view draws are not all loaded: a jump far into the history loads the
 * pages up to it and no further. The desktop's poll asks for the newest page again and merges it.
 */
export function useNotePages(api: EntenteApi, channelId: string, tick: number, onError: (err: unknown) => void): NotePages {
  const [held, setHeldState] = useState<Held>({ notes: [], total: 0, next: null });
  const [ready, setReady] = useState(false);
  const [older, setOlder] = useState<'idle' | 'loading' | 'failed'>('idle');
  const [head, setHead] = useState({ changes: 0, added: 0 });
  // The same data for the async loop, which must see each page's effect before asking for the next.
  const current = useRef(held);
  const setHeld = useCallback((next: Held) => {
    current.current = next;
    setHeldState(next);
  }, []);
  const wanted = useRef(-1);
  const busy = useRef(false);
  const failed = useRef(false);
  // Bumped when the loaded notes are replaced: a page asked for before then is dropped.
  const generation = useRef(0);
  const live = useRef(true);
  const firstTick = useRef(tick);
  const errorRef = useRef(onError);
  useEffect(() => {
    errorRef.current = onError;
  }, [onError]);

  useEffect(() => {
    live.current = true;
    // Its own flag too: an answer for an effect run since cleaned up (StrictMode runs it twice) is dropped.
    let mine = true;
    api['notes.page']({ channelId, limit: FIRST_PAGE })
      .then((page) => {
        if (!mine) return;
        generation.current += 1;
        setHeld({ notes: page.notes, total: page.total, next: page.next });
        setReady(true);
      })
      .catch((err: unknown) => mine && errorRef.current(err));
    return () => {
      mine = false;
      live.current = false;
    };
  }, [api, channelId, setHeld]);

  const pump = useCallback(async () => {
    if (busy.current || failed.current) return;
    busy.current = true;
    setOlder('loading');
    try {
      for (;;) {
        const { notes, next } = current.current;
        if (!live.current || !needsOlder(wanted.current, notes.length, next) || next === null) break;
        const gen = generation.current;
        const page = await api['notes.page']({ channelId, limit: OLDER_PAGE, before: next });
        if (!live.current) return;
        // Replaced meanwhile (a refresh found a gap): this page no longer follows what is loaded.
        if (gen !== generation.current) continue;
        const now = current.current;
        setHeld({ notes: appendOlder(now.notes, page.notes), total: page.total, next: page.next });
      }
      setOlder('idle');
    } catch (err) {
      if (!live.current) return;
      failed.current = true;
      setOlder('failed');
      errorRef.current(err);
    } finally {
      busy.current = false;
    }
  }, [api, channelId, setHeld]);

  const want = useCallback(
    (index: number) => {
      wanted.current = index;
      if (ready && needsOlder(index, current.current.notes.length, current.current.next)) void pump();
    },
    [pump, ready],
  );

  const retry = useCallback(() => {
    failed.current = false;
    void pump();
  }, [pump]);

  useEffect(() => {
    // The poll's count when the channel opened: the first page answers for it already.
    if (!ready || tick === firstTick.current) return;
    api['notes.page']({ channelId, limit: REFRESH_PAGE })
      .then((page) => {
        if (!live.current) return;
        const now = current.current;
        const merged = mergeNewest(now.notes, page.notes, page.next !== null);
        if (merged.reset) generation.current += 1;
        const next = merged.reset || page.next === null ? page.next : now.next;
        if (merged.notes !== now.notes || page.total !== now.total || next !== now.next) setHeld({ notes: merged.notes, total: page.total, next });
        if (merged.added > 0 || merged.reset) setHead((h) => ({ changes: h.changes + 1, added: merged.reset ? 0 : merged.added }));
      })
      .catch((err: unknown) => live.current && errorRef.current(err));
  }, [api, channelId, tick, ready, setHeld]);

  return { ...held, ready, older, head, want, retry };
}
