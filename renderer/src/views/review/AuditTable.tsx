import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { CallOutput, EntenteApi } from '../../../../shared/api/contract';
import { errorKey } from '../../api/use-api-error';
import { filterInput, type AuditFilters } from './audit-filters';

type Entry = CallOutput<'audit.page'>['entries'][number];

interface Props {
  api: EntenteApi;
  filters: AuditFilters;
  /** Matching entries, from audit.counts (null while unknown): sizes the scrollbar before the pages arrive. */
  total: number | null;
}

const PAGE = 200;
/** 30 px keeps a million rows under Chromium's ~33.5 million pixel limit on an element's height. */
const ROW_HEIGHT = 30;
/** Fetch the next page when the view comes this close to the last loaded row. */
const AHEAD = 60;

/**
 * The history, newest first, paged through audit.page with its cursor and virtualized: only the rows on
 * screen exist in the DOM, and only the pages scrolled to are fetched, so a million entries stay fast.
 */
export function AuditTable({ api, filters, total }: Props) {
  const { t } = useTranslation();
  const scroller = useRef<HTMLDivElement>(null);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Answers for an older filter are dropped: each filter change starts a new generation.
  const generation = useRef(0);

  const fetchPage = (before: number | undefined, gen: number): void => {
    setLoading(true);
    api['audit.page']({ ...filterInput(filters), limit: PAGE, ...(before !== undefined ? { before } : {}) })
      .then((page) => {
        if (gen !== generation.current) return;
        setEntries((old) => (before === undefined ? page.entries : [...old, ...page.entries]));
        setNext(page.next);
        setDone(page.next === null);
      })
      .catch((err: unknown) => gen === generation.current && setError(errorKey(err)))
      .finally(() => gen === generation.current && setLoading(false));
  };

  useEffect(() => {
    const gen = ++generation.current;
    setEntries([]);
    setNext(null);
    setDone(false);
    setError(null);
    scroller.current?.scrollTo({ top: 0 });
    fetchPage(undefined, gen);
    // fetchPage reads the filters of this render; re-running on them is the point.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, filters]);

  // Until the last page, one more row than loaded shows "loading"; the total from audit.counts sizes the scrollbar.
  const count = done ? entries.length : Math.max(entries.length + 1, total ?? 0);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 900, height: 420 },
  });
  const items = virtualizer.getVirtualItems();
  const last = items.length > 0 ? items[items.length - 1]!.index : 0;

  useEffect(() => {
    if (!loading && !done && next !== null && last >= entries.length - AHEAD) fetchPage(next, generation.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [last, loading, done, next, entries.length]);

  const cell = (e: Entry) => [
    String(e.seq),
    e.time.replace('T', ' ').replace(/\.\d+Z$|Z$/, ''),
    t(`review.audit.types.${e.type}`),
    t(`review.audit.outcomes.${e.outcome}`),
    e.actor ?? '',
    e.marking ?? '',
    e.channel ?? '',
    e.code ?? '',
  ];
  const columns = ['seq', 'time', 'type', 'outcome', 'actor', 'label', 'channel', 'code'] as const;

  return (
    <div className="audit-table-wrap">
      {error !== null && (
        <p role="alert" className="error">
          {t(error)}
        </p>
      )}
      <p role="status" data-testid="audit-total">
        {loading && entries.length === 0 ? t('review.audit.loading') : entries.length === 0 && done ? t('review.audit.empty') : total !== null ? t('review.audit.total', { count: total }) : ''}
      </p>
      <div
        ref={scroller}
        className="audit-table"
        role="table"
        aria-label={t('review.audit.tableLabel')}
        aria-rowcount={count + 1}
        aria-busy={loading}
        tabIndex={0}
        data-testid="audit-table"
      >
        <div role="rowgroup" className="audit-head">
          <div role="row" aria-rowindex={1} className="audit-grid">
            {columns.map((c) => (
              <span role="columnheader" key={c} title={t(`review.audit.col.${c}`)}>
                {t(`review.audit.col.${c}`)}
              </span>
            ))}
          </div>
        </div>
        <div role="rowgroup" className="audit-body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const entry = entries[item.index];
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                className={`audit-grid audit-row${entry !== undefined && entry.outcome !== 'ok' ? ' audit-not-ok' : ''}`}
                data-testid={entry !== undefined ? 'audit-row' : 'audit-row-loading'}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                {entry === undefined ? (
                  <span role="cell" className="audit-loading">
                    {t('review.audit.loadingMore')}
                  </span>
                ) : (
                  cell(entry).map((text, i) => (
                    <span role="cell" key={columns[i]} title={text}>
                      {text}
                    </span>
                  ))
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
