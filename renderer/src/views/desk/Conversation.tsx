import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { EntenteApi } from '../../../../shared/api/contract';
import type { z } from 'zod';
import type { ChannelSummary, NoteMeta, PageCursor } from '../../../../shared/api/notes-schemas';
import type { Label } from '../../../../shared/labels/model';
import { protectedNote } from './levels';
import { NoteCard, RedactionCard, type BodyCache } from './NoteCard';
import type { Display } from './use-display';

interface Props {
  api: EntenteApi;
  channel: ChannelSummary;
  display: Display;
  /** Whether the window is in use: protected notes blur when it is not. */
  focused: boolean;
  /** Bumped by the desktop's poll: the newest page is asked for again. */
  tick: number;
  /** The labels of the notes shown in full on screen now, for the classification banner. */
  onShownLabels: (labels: Label[]) => void;
  onError: (err: unknown) => void;
}

const FIRST_PAGE = 100;
const MORE = 200;

type Cursor = z.infer<typeof PageCursor>;

/** Merges a fresh newest page into what is loaded: new notes first, newer metadata (read, delivery) in place. */
function mergeNewest(held: NoteMeta[], fresh: NoteMeta[]): NoteMeta[] {
  const byId = new Map(fresh.map((n) => [n.noteId, n]));
  const known = new Set(held.map((n) => n.noteId));
  const added = fresh.filter((n) => !known.has(n.noteId));
  return [...added, ...held.map((n) => byId.get(n.noteId) ?? n)];
}

/**
 * The notes of one channel, newest first, in a virtualized list: only the rows on screen exist in the
 * DOM, and only their bodies are asked of main. Pages load as the officer scrolls towards older notes.
 */
export function Conversation({ api, channel, display, focused, tick, onShownLabels, onError }: Props) {
  const { t } = useTranslation();
  const [notes, setNotes] = useState<NoteMeta[]>([]);
  const [total, setTotal] = useState(0);
  const [next, setNext] = useState<Cursor | null>(null);
  const [loaded, setLoaded] = useState(false);
  const loading = useRef(false);
  const scroller = useRef<HTMLDivElement>(null);
  // A new display context means main must be asked again for every body.
  const cache = useMemo<BodyCache>(() => new Map(), [display.version, channel.channelId]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    let live = true;
    setNotes([]);
    setLoaded(false);
    loading.current = true;
    api['notes.page']({ channelId: channel.channelId, limit: FIRST_PAGE })
      .then((page) => {
        if (!live) return;
        setNotes(page.notes);
        setNext(page.next);
        setTotal(page.total);
        setLoaded(true);
      })
      .catch((err: unknown) => live && onError(err))
      .finally(() => (loading.current = false));
    return () => {
      live = false;
    };
  }, [api, channel.channelId, onError]);

  useEffect(() => {
    if (tick === 0) return;
    let live = true;
    api['notes.page']({ channelId: channel.channelId, limit: 50 })
      .then((page) => {
        if (!live) return;
        setNotes((held) => mergeNewest(held, page.notes));
        setTotal(page.total);
      })
      .catch((err: unknown) => live && onError(err));
    return () => {
      live = false;
    };
  }, [api, channel.channelId, tick, onError]);

  const loadOlder = useCallback(() => {
    if (loading.current || next === null) return;
    loading.current = true;
    api['notes.page']({ channelId: channel.channelId, limit: MORE, before: next })
      .then((page) => {
        setNotes((held) => {
          const known = new Set(held.map((n) => n.noteId));
          return [...held, ...page.notes.filter((n) => !known.has(n.noteId))];
        });
        setNext(page.next);
        setTotal(page.total);
      })
      .catch(onError)
      .finally(() => (loading.current = false));
  }, [api, channel.channelId, next, onError]);

  // Stable between renders: a new key function makes the virtualizer re-measure all 100,000 rows.
  const itemKey = useCallback((i: number) => notes[i]?.noteId ?? `pending-${i}`, [notes]);
  const estimate = useCallback(() => 132, []);
  const scrollElement = useCallback(() => scroller.current, []);
  // Rows for the notes loaded, and one for the next page while there is one: rows vary in height and
  // each newly measured row re-lays out every row after it, so 100,000 placeholder rows would cost
  // a full pass per frame. The heading gives the channel's total.
  const count = notes.length + (next === null ? 0 : 1);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: scrollElement,
    estimateSize: estimate,
    overscan: 4,
    getItemKey: itemKey,
  });
  const items = virtualizer.getVirtualItems();
  const wantsOlder = items.some((it) => it.index >= notes.length);
  useEffect(() => {
    if (wantsOlder) loadOlder();
  }, [wantsOlder, loadOlder]);

  // The banner follows what is drawn in full: notes on screen the viewer may see. Only the distinct
  // labels count, so scrolling among notes of the same labels does not redraw the desktop.
  const shown = new Set(
    items.flatMap((it) => {
      const n = notes[it.index];
      return n !== undefined && display.decide(n).show ? [JSON.stringify(n.label)] : [];
    }),
  );
  const shownKey = `[${[...shown].sort().join(',')}]`;
  useEffect(() => {
    onShownLabels(JSON.parse(shownKey) as Label[]);
  }, [shownKey, onShownLabels]);
  // Gone from the screen: nothing of it counts for the banner any more.
  useEffect(() => () => onShownLabels([]), [onShownLabels]);

  return (
    <section className="conversation" aria-labelledby="conversation-title">
      <h3 id="conversation-title">
        {t('desk.conversation.title', { name: channel.name })} <span className="muted">({t('desk.conversation.count', { count: total })})</span>
      </h3>
      {loaded && total === 0 && <p>{t('desk.conversation.empty')}</p>}
      {!loaded && <p aria-busy="true">{t('desk.conversation.loading')}</p>}
      <div ref={scroller} className="note-list" role="region" aria-label={t('desk.conversation.title', { name: channel.name })} tabIndex={0} data-testid="note-list">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((it) => {
            const n = notes[it.index];
            const decision = n === undefined ? null : display.decide(n);
            return (
              <div key={it.key} data-index={it.index} ref={virtualizer.measureElement} className="note-row" style={{ transform: `translateY(${it.start}px)` }}>
                {n === undefined || decision === null ? (
                  <p className="note pending" aria-busy="true">
                    {t('desk.conversation.loading')}
                  </p>
                ) : decision.show ? (
                  <NoteCard api={api} note={n} cache={cache} protect={protectedNote(display, n)} blurred={!focused && protectedNote(display, n)} />
                ) : (
                  <RedactionCard note={n} reasons={decision.reasons} />
                )}
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
