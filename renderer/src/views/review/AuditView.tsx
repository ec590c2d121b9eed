import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput, EntenteApi } from '../../../../shared/api/contract';
import { errorKey } from '../../api/use-api-error';
import { levelChoices, type LevelChoice } from '../signin/levels';
import { AuditChart } from './AuditChart';
import { AuditFiltersForm } from './AuditFiltersForm';
import { AuditTable } from './AuditTable';
import { filterInput, NO_FILTERS, type AuditFilters } from './audit-filters';

export interface AuditViewProps {
  api: EntenteApi;
}

type Verify = CallOutput<'audit.verify'>;
type Export = CallOutput<'audit.export'>;

export function AuditView({ api }: AuditViewProps) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const [levels, setLevels] = useState<LevelChoice[]>([]);
  const [counts, setCounts] = useState<CallOutput<'audit.counts'> | null>(null);
  const [verify, setVerify] = useState<Verify | 'running' | null>(null);
  const [exported, setExported] = useState<Export | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api['display.context']({})
      .then((context) => live && setLevels(levelChoices(context.policies, i18n.language)))
      .catch((err: unknown) => live && setError(errorKey(err)));
    return () => {
      live = false;
    };
  }, [api, i18n.language]);

  useEffect(() => {
    let live = true;
    setCounts(null);
    api['audit.counts'](filterInput(filters))
      .then((c) => live && setCounts(c))
      .catch((err: unknown) => live && setError(errorKey(err)));
    return () => {
      live = false;
    };
  }, [api, filters]);

  const runVerify = async (): Promise<void> => {
    setVerify('running');
    setError(null);
    try {
      setVerify(await api['audit.verify']({}));
    } catch (err) {
      setVerify(null);
      setError(errorKey(err));
    }
  };
  const runExport = async (): Promise<void> => {
    setError(null);
    try {
      setExported(await api['audit.export']({}));
    } catch (err) {
      setError(errorKey(err));
    }
  };

  const reason = (code: string, message: string): string => (i18n.exists(`errors.${code}`) ? t(`errors.${code}`) : message);
  const integrity =
    verify === null
      ? t('review.audit.notVerified')
      : verify === 'running'
        ? t('review.audit.verifying')
        : verify.ok || verify.problem === null
          ? t('review.audit.intact', { entries: verify.entries, lastSeq: verify.lastSeq, checkpoints: verify.checkpoints })
          : verify.problem.seq > 0
            ? t('review.audit.broken', { seq: verify.problem.seq, reason: reason(verify.problem.code, verify.problem.message) })
            : t('review.audit.brokenNoEntry', { reason: reason(verify.problem.code, verify.problem.message) });
  const broken = verify !== null && verify !== 'running' && !verify.ok;
  const total = counts === null ? null : counts.days.reduce((sum, d) => sum + d.count, 0);

  return (
    <section className="panel audit-view" aria-labelledby={`${id}-title`} data-testid="audit-view">
      <h2 id={`${id}-title`}>{t('review.audit.title')}</h2>
      {error !== null && (
        <p role="alert" className="error">
          {t(error)}
        </p>
      )}
      <section aria-labelledby={`${id}-integrity`} className={`integrity${broken ? ' integrity-broken' : ''}`}>
        <h3 id={`${id}-integrity`}>{t('review.audit.integrity')}</h3>
        <p role="status" data-testid="audit-integrity" data-state={verify === null || verify === 'running' ? 'unknown' : verify.ok ? 'intact' : 'broken'}>
          {integrity}
        </p>
        <div className="actions">
          <button type="button" data-testid="audit-verify" disabled={verify === 'running'} onClick={() => void runVerify()}>
            {t('review.audit.verify')}
          </button>
          <button type="button" data-testid="audit-export" onClick={() => void runExport()}>
            {t('review.audit.export')}
          </button>
        </div>
        {exported !== null && (
          <p role="status" data-testid="audit-exported">
            {t('review.audit.exported', { count: exported.count, file: exported.file, manifest: exported.manifest })}
          </p>
        )}
      </section>
      <AuditFiltersForm value={filters} levels={levels} onApply={setFilters} />
      {counts !== null && <AuditChart days={counts.days} from={filters.from} to={filters.to} />}
      <AuditTable api={api} filters={filters} total={total} />
    </section>
  );
}
