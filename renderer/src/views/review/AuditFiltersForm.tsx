import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_EVENT_TYPES, AuditEventTypeName, AuditOutcomeName } from '../../../../shared/api/audit-schemas';
import type { LevelChoice } from '../signin/levels';
import { levelValue } from '../signin/levels';
import { NO_FILTERS, rangeInvalid, type AuditFilters } from './audit-filters';

interface Props {
  value: AuditFilters;
  levels: readonly LevelChoice[];
  onApply: (filters: AuditFilters) => void;
}

/** Selects apply at once; the day and text fields on submit (Enter), so typing does not query per key. */
export function AuditFiltersForm({ value, levels, onApply }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState(value);
  const invalid = rangeInvalid(draft);

  const set = (patch: Partial<AuditFilters>, now = false): void => {
    const next = { ...draft, ...patch };
    setDraft(next);
    if (now && !rangeInvalid(next)) onApply(next);
  };
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (!invalid) onApply(draft);
  };
  const text = (key: 'from' | 'to' | 'channel' | 'officer', type: string, testId: string) => (
    <div className="field field-stacked">
      <label htmlFor={`${id}-${key}`}>{t(`review.audit.${key}`)}</label>
      <input id={`${id}-${key}`} type={type} value={draft[key]} maxLength={200} data-testid={testId} onChange={(e) => set({ [key]: e.target.value })} />
    </div>
  );

  return (
    <form className="audit-filters" onSubmit={submit} aria-labelledby={`${id}-title`} data-testid="audit-filters">
      <h3 id={`${id}-title`}>{t('review.audit.filters')}</h3>
      <div className="filter-grid">
        {text('from', 'date', 'audit-from')}
        {text('to', 'date', 'audit-to')}
        <div className="field field-stacked">
          <label htmlFor={`${id}-type`}>{t('review.audit.type')}</label>
          <select id={`${id}-type`} data-testid="audit-type" value={draft.type} onChange={(e) => {
            const picked = AuditEventTypeName.safeParse(e.target.value);
            set({ type: picked.success ? picked.data : '' }, true);
          }}>
            <option value="">{t('review.audit.anyType')}</option>
            {AUDIT_EVENT_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`review.audit.types.${type}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-stacked">
          <label htmlFor={`${id}-outcome`}>{t('review.audit.outcome')}</label>
          <select id={`${id}-outcome`} data-testid="audit-outcome" value={draft.outcome} onChange={(e) => {
            const picked = AuditOutcomeName.safeParse(e.target.value);
            set({ outcome: picked.success ? picked.data : '' }, true);
          }}>
            <option value="">{t('review.audit.anyOutcome')}</option>
            {AuditOutcomeName.options.map((o) => (
              <option key={o} value={o}>
                {t(`review.audit.outcomes.${o}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-stacked">
          <label htmlFor={`${id}-level`}>{t('review.audit.atOrAbove')}</label>
          <select id={`${id}-level`} data-testid="audit-level" value={levelValue(draft.level)} onChange={(e) => set({ level: levels.find((l) => l.value === e.target.value)?.ref ?? null }, true)}>
            <option value="">{t('review.audit.anyLevel')}</option>
            {levels.map((l) => (
              <option key={l.value} value={l.value}>
                {t('signin.settings.levelOption', { policy: l.policyName, marking: l.marking })}
              </option>
            ))}
          </select>
        </div>
        {text('channel', 'text', 'audit-channel')}
        {text('officer', 'text', 'audit-officer')}
      </div>
      {invalid && (
        <p role="alert" className="error">
          {t('review.audit.badRange')}
        </p>
      )}
      <div className="actions">
        <button type="submit" data-testid="audit-apply" disabled={invalid}>
          {t('review.audit.apply')}
        </button>
        <button type="button" onClick={() => { setDraft(NO_FILTERS); onApply(NO_FILTERS); }}>
          {t('review.audit.reset')}
        </button>
      </div>
    </form>
  );
}
