import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { EntenteApi } from '../../../../shared/api/contract';
import type { ChannelSummary } from '../../../../shared/api/notes-schemas';
import type { Label } from '../../../../shared/labels/model';
import { protectedNote } from './levels';
import { LOOKAHEAD, ROW_ESTIMATE, rowCount, tailRows } from './note-paging';
import { NoteCard, RedactionCard, type BodyCache } from './NoteCard';
import { NotePlaceholder } from './ConversationPlaceholder';
import type { Display } from './use-display';
import { useNotePages } from './use-note-pages';

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

/** Within this many pixels of the top, the view follows the newest note as new ones arrive. */
const PIN_SLACK = 8;
/** Where the officer is reading: a note by its id, or a placeholder by its index, and how far into it. */
interface Anchor {
  index: number;
  key: string | null;
  offset: number;
}

/** Rows drawn beyond the screen on either side. */
const OVERSCAN = 4;

/**
 * The notes of one channel, newest first at the top, in a virtualized list sized to the whole channel:
 * the notes not loaded yet are placeholder rows, so the scrollbar says where the officer is in the
 * channel. Only the rows on screen exist in the DOM, and only their bodies are asked of main; the
 * older pages load as the officer scrolls (or drags the scrollbar) into them.
 */
export function Conversation({ api, channel, display, focused, tick, onShownLabels, onError }: Props) {
  const { t } = useTranslation();
  const { notes, total, next, ready, older, head, want, retry } = useNotePages(api, channel.channelId, tick, onError);
  const scroller = useRef<HTMLDivElement>(null);
  // A new display context means main must be asked again for every body.
  const cache = useMemo<BodyCache>(() => new Map(), [display.version, channel.channelId]); // eslint-disable-line react-hooks/exhaustive-deps

  // The virtualizer holds the loaded notes, then one row, the tail, for every note not loaded yet:
  // it lays its rows out again from each newly measured one to the last, so 100,000 rows of their
  // own would cost a pass over all of them per frame. The tail's placeholders are drawn here, each
  // ROW_ESTIMATE high, so a note's place in the list is the same loaded or not.
  const rows = rowCount(notes.length, total, next);
  const tail = rows - notes.length;
  const count = notes.length + (tail > 0 ? 1 : 0);
  // Stable between renders but for the notes: a new key function lays every row out again. A loaded
  // note is keyed by its id, so its measured height follows it when newer notes arrive above it.
  const itemKey = useCallback((i: number) => notes[i]?.noteId ?? `tail:${tail}`, [notes, tail]);
  const estimate = useCallback((i: number) => (i < notes.length ? ROW_ESTIMATE : tail * ROW_ESTIMATE), [notes.length, tail]);
  const scrollElement = useCallback(() => scroller.current, []);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: scrollElement,
    estimateSize: estimate,
    overscan: OVERSCAN,
    getItemKey: itemKey,
  });
  const items = virtualizer.getVirtualItems();
  const scrollOffset = virtualizer.scrollOffset ?? 0;
  const tailItem = items.find((it) => it.index >= notes.length);
  const pending = tailItem === undefined ? null : tailRows({ offset: scrollOffset, height: virtualizer.scrollRect?.height ?? 0 }, { start: tailItem.start, loaded: notes.length, rows: tail }, OVERSCAN);
  const noteItems = tailItem === undefined ? items : items.filter((it) => it !== tailItem);
  const last = pending?.last ?? noteItems.at(-1)?.index ?? -1;
  useEffect(() => {
    if (last >= 0) want(last + LOOKAHEAD);
  }, [last, want, notes.length]);

  // New notes at the top: followed when the view was at the top, else what is read stays in place.
  // The place is taken after each commit, and given back after the commit that added notes above it.
  const firstNote = noteItems.find((it) => it.end > scrollOffset);
  const here: Anchor | null =
    scrollOffset <= PIN_SLACK
      ? null
      : firstNote !== undefined
        ? { index: firstNote.index, key: notes[firstNote.index]?.noteId ?? null, offset: scrollOffset - firstNote.start }
        : tailItem !== undefined
          ? { index: notes.length + Math.floor((scrollOffset - tailItem.start) / ROW_ESTIMATE), key: null, offset: (scrollOffset - tailItem.start) % ROW_ESTIMATE }
          : null;
  const anchor = useRef<Anchor | null>(null);
  const seenHead = useRef(head.changes);
  useLayoutEffect(() => {
    if (seenHead.current === head.changes) {
      anchor.current = here;
      return;
    }
    seenHead.current = head.changes;
    const held = anchor.current;
    anchor.current = null;
    if (held === null) return;
    const index = held.key !== null ? notes.findIndex((n) => n.noteId === held.key) : head.added > 0 ? held.index + head.added : -1;
    if (index < 0) return;
    // A note's own row, or its place in the tail (the tail's placeholders are ROW_ESTIMATE each).
    const row = Math.min(index, notes.length);
    const start = virtualizer.measurementsCache[row]?.start;
    if (start !== undefined) virtualizer.scrollToOffset(start + (index - row) * ROW_ESTIMATE + held.offset);
  });

  // The banner follows what is drawn in full: notes on screen the viewer may see. Only the distinct
  // labels count, so scrolling among notes of the same labels does not redraw the desktop.
  const shown = new Set(
    noteItems.flatMap((it) => {
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

  const placeholders: number[] = [];
  for (let i = pending?.first ?? 0; pending !== null && i <= pending.last; i++) placeholders.push(i);
  const tailStart = tailItem?.start ?? 0;

  return (
    <section className="conversation" aria-labelledby="conversation-title">
      <h3 id="conversation-title">
        {t('desk.conversation.title', { name: channel.name })} <span className="muted">({t('desk.conversation.count', { count: total })})</span>
      </h3>
      {ready && total === 0 && notes.length === 0 && <p>{t('desk.conversation.empty')}</p>}
      {!ready && <p aria-busy="true">{t('desk.conversation.loading')}</p>}
      <div ref={scroller} className="note-list" role="region" aria-label={t('desk.conversation.title', { name: channel.name })} aria-busy={older === 'loading' || undefined} tabIndex={0} data-testid="note-list">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {noteItems.map((it) => {
            const n = notes[it.index]!;
            const decision = display.decide(n);
            return (
              <div key={it.key} data-index={it.index} ref={virtualizer.measureElement} className="note-row" style={{ transform: `translateY(${it.start}px)` }}>
                {decision.show ? (
                  <NoteCard api={api} note={n} cache={cache} protect={protectedNote(display, n)} blurred={!focused && protectedNote(display, n)} />
                ) : (
                  <RedactionCard note={n} reasons={decision.reasons} />
                )}
              </div>
            );
          })}
          {placeholders.map((index) => (
            // Not measured: a placeholder keeps the estimated height, so the rows after it do not move.
            <div key={`pending:${index}`} data-pending-index={index} className="note-row" style={{ transform: `translateY(${tailStart + (index - notes.length) * ROW_ESTIMATE}px)`, height: ROW_ESTIMATE }}>
              <NotePlaceholder index={index} total={rows} failed={older === 'failed'} onRetry={retry} />
            </div>
          ))}
        </div>
      </div>
    </section>
  );
}
