import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntenteApi } from '../../../../shared/api/contract';
import type { NoteMeta } from '../../../../shared/api/notes-schemas';
import type { Label } from '../../../../shared/labels/model';
import { errorKey } from '../../api/use-api-error';
import { protectedNote } from './levels';
import { NoteCard, RedactionCard, type BodyCache } from './NoteCard';
import type { Display } from './use-display';

interface Props {
  api: EntenteApi;
  /** Search within this channel; every channel when absent. */
  channelId?: string;
  display: Display;
  focused: boolean;
  onShownLabels: (labels: Label[]) => void;
}

/** The contract's longest query and largest answer. */
const MAX_QUERY = 200;
const LIMIT = 50;

/**
 * Full-text search; main only matches notes the viewer may see now, and each result is decided again
 * here (a withheld one is a redaction card, its body never asked for). Each result is in the Tab
 * order, so the keyboard reaches them from the search field.
 */
export function Search({ api, channelId, display, focused, onShownLabels }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<NoteMeta[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cache = useMemo<BodyCache>(() => new Map(), [display.version]); // eslint-disable-line react-hooks/exhaustive-deps
  // Only the latest search may show its answer: an earlier, slower one arriving after is dropped.
  const latest = useRef(0);

  const run = async (e: FormEvent) => {
    e.preventDefault();
    const q = query.trim().slice(0, MAX_QUERY);
    if (q === '') return;
    const mine = ++latest.current;
    setBusy(true);
    try {
      const found = await api['notes.search']({ query: q, ...(channelId === undefined ? {} : { channelId }), limit: LIMIT });
      if (mine !== latest.current) return;
      setResults(found.notes);
      setError(null);
    } catch (err) {
      if (mine !== latest.current) return;
      setResults(null);
      setError(errorKey(err));
    } finally {
      if (mine === latest.current) setBusy(false);
    }
  };

  // Enter searches, as a form's implicit submission does, even while the button is disabled by a
  // search on its way (the newer one wins); not while an input method is composing a character.
  const enter = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter' || e.nativeEvent.isComposing) return;
    e.preventDefault();
    e.currentTarget.form?.requestSubmit();
  };

  const shownKey = JSON.stringify((results ?? []).filter((n) => display.decide(n).show).map((n) => n.label));
  useEffect(() => {
    onShownLabels(JSON.parse(shownKey) as Label[]);
  }, [shownKey, onShownLabels]);
  // Gone from the screen: nothing of it counts for the banner any more.
  useEffect(() => () => onShownLabels([]), [onShownLabels]);

  return (
    <section className="search" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('desk.search.title')}</h3>
      <form role="search" aria-labelledby={`${id}-title`} onSubmit={(e) => void run(e)} className="field" data-testid="search-form">
        <label htmlFor={`${id}-query`} className="visually-hidden">
          {t('desk.search.query')}
        </label>
        <input id={`${id}-query`} type="search" value={query} maxLength={MAX_QUERY} placeholder={t('desk.search.query')} onChange={(e) => setQuery(e.target.value)} onKeyDown={enter} data-testid="search-query" />
        <button type="submit" data-testid="search-submit" disabled={busy}>
          {t('desk.search.submit')}
        </button>
      </form>
      {error !== null && (
        <p role="alert" className="error" data-testid="search-error">
          {t('desk.search.failed', { reason: t(error) })}
        </p>
      )}
      <div role="status" data-testid="search-status">
        {busy ? <p>{t('desk.search.searching')}</p> : results !== null && <p>{results.length === 0 ? t('desk.search.none') : t('desk.search.results', { count: results.length })}</p>}
      </div>
      {results !== null && results.length > 0 && (
        <ul className="search-results" aria-label={t('desk.search.resultsLabel')} data-testid="search-results">
          {results.map((n) => {
            const d = display.decide(n);
            return (
              <li key={n.noteId} tabIndex={0} data-testid="search-result">
                {d.show ? <NoteCard api={api} note={n} cache={cache} protect={protectedNote(display, n)} blurred={!focused && protectedNote(display, n)} /> : <RedactionCard note={n} reasons={d.reasons} />}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
