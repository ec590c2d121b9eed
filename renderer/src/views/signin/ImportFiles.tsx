import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntenteApi } from '../../../../shared/api/contract';
import type { ImportFileResult, SessionStatus } from '../../../../shared/api/session-schemas';
import { errorKey } from '../../api/use-api-error';
import { MAX_IMPORT_FILES, readPicked } from './files';

interface Props {
  api: EntenteApi;
  /** The session as the import left it (a credential may now be in force). */
  onImported?: (session: SessionStatus) => void;
}

type Row = ImportFileResult | { ok: false; name: string; localKey: string };

/** Picks files and imports each on its own: every file gets its own line, refused ones their reason. */
export function ImportFiles({ api, onImported }: Props) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [imported, setImported] = useState(0);

  const reason = (code: string, message: string): string =>
    i18n.exists(`errors.${code}`) ? t(`errors.${code}`) : message;

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const files = [...(input.current?.files ?? [])];
    setRows(null);
    if (files.length === 0) return setError(t('signin.import.chooseFirst'));
    if (files.length > MAX_IMPORT_FILES) return setError(t('signin.import.tooMany', { max: MAX_IMPORT_FILES }));
    setError(null);
    setBusy(true);
    try {
      const picked = await readPicked(files);
      const sendable = picked.flatMap((p) => ('data' in p ? [p] : []));
      const local: Row[] = picked.flatMap((p) => ('tooLarge' in p ? [{ ok: false as const, name: p.name, localKey: t('signin.import.tooLarge', { name: p.name }) }] : []));
      if (sendable.length === 0) {
        setRows(local);
        setImported(0);
        return;
      }
      const out = await api['profile.import']({ files: sendable });
      setRows([...out.results, ...local]);
      setImported(out.imported);
      onImported?.(out.session);
    } catch (err) {
      setError(t(errorKey(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="import" onSubmit={(e) => void submit(e)} aria-busy={busy}>
      <label htmlFor={`${id}-files`}>{t('signin.import.files')}</label>{' '}
      <input id={`${id}-files`} ref={input} type="file" multiple data-testid="import-files" />
      <button type="submit" disabled={busy} data-testid="import-submit">
        {busy ? t('signin.import.importing') : t('signin.import.submit')}
      </button>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {rows !== null && (
        <section aria-labelledby={`${id}-results`} data-testid="import-results">
          <h4 id={`${id}-results`}>{t('signin.import.resultsTitle')}</h4>
          <p role="status">{t('signin.import.summary', { imported, total: rows.length })}</p>
          <ul className="import-results">
            {rows.map((row, i) => (
              <li key={`${row.name}-${i}`} className={row.ok ? 'import-ok' : 'import-failed'} data-testid="import-result" data-ok={row.ok}>
                <strong>{row.ok ? t('signin.import.statusOk') : t('signin.import.statusFailed')}</strong>{' '}
                {row.ok
                  ? t('signin.import.okLine', { name: row.name, kind: t(`signin.import.kind.${row.kind}`), subject: row.subject, outcome: t(`signin.import.outcome.${row.outcome}`) })
                  : t('signin.import.failedLine', { name: row.name, reason: 'localKey' in row ? row.localKey : reason(row.error.code, row.error.message) })}
                {row.ok && row.keyChanged === true && <span className="warning"> {t('signin.import.keyChanged')}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </form>
  );
}
