import { useEffect, useMemo, useState, type FormEvent } from 'react';
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

/** Full-text search; main only matches notes the viewer may see now, and each result is decided again here. */
export function Search({ api, channelId, display, focused, onShownLabels }: Props) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<NoteMeta[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cache = useMemo<BodyCache>(() => new Map(), [display.version]); // eslint-disable-line react-hooks/exhaustive-deps

  const run = async (e: FormEvent) => {
    e.preventDefault();
    const q = query.trim().slice(0, 200);
    if (q === '') return;
    try {
      const found = await api['notes.search']({ query: q, ...(channelId === undefined ? {} : { channelId }), limit: 50 });
      setResults(found.notes);
      setError(null);
    } catch (err) {
      setError(errorKey(err));
    }
  };

  const shownKey = JSON.stringify((results ?? []).filter((n) => display.decide(n).show).map((n) => n.label));
  useEffect(() => {
    onShownLabels(JSON.parse(shownKey) as Label[]);
  }, [shownKey, onShownLabels]);
  // Gone from the screen: nothing of it counts for the banner any more.
  useEffect(() => () => onShownLabels([]), [onShownLabels]);

  return (
    <section className="search" aria-labelledby="search-title">
      <h3 id="search-title">{t('desk.search.title')}</h3>
      <form role="search" onSubmit={(e) => void run(e)} className="field">
        <label>
          <span className="visually-hidden">{t('desk.search.query')}</span>
          <input type="search" value={query} maxLength={200} placeholder={t('desk.search.query')} onChange={(e) => setQuery(e.target.value)} data-testid="search-query" />
        </label>
        <button type="submit">{t('desk.search.submit')}</button>
      </form>
      {error !== null && (
        <p role="alert" className="error">
          {t(error)}
        </p>
      )}
      {results !== null && (
        <div role="status">
          <p>{results.length === 0 ? t('desk.search.none') : t('desk.search.results', { count: results.length })}</p>
        </div>
      )}
      {results !== null && results.length > 0 && (
        <ul className="search-results">
          {results.map((n) => {
            const d = display.decide(n);
            return (
              <li key={n.noteId}>
                {d.show ? <NoteCard api={api} note={n} cache={cache} protect={protectedNote(display, n)} blurred={!focused && protectedNote(display, n)} /> : <RedactionCard note={n} reasons={d.reasons} />}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
