import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntenteApi } from '../../../../shared/api/contract';
import type { PartnerOfficer } from '../../../../shared/api/partners-schemas';
import { errorKey } from '../../api/use-api-error';

interface Props {
  api: EntenteApi;
  officer: PartnerOfficer;
  onVerified: (officer: PartnerOfficer) => void;
  onCancel: () => void;
}

/** The officer types the digits the partner reads out; main compares them with the current number. */
export function VerifyForm({ api, officer, onVerified, onCancel }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [digits, setDigits] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (digits.trim() === '' || busy) return;
    setBusy(true);
    setError(null);
    try {
      onVerified(await api['partners.verify']({ agency: officer.agency, officerId: officer.officerId, safetyNumber: digits }));
    } catch (err) {
      setError(errorKey(err));
      setBusy(false);
    }
  };

  return (
    <form className="verify-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`} data-testid="verify-form">
      <h5 id={`${id}-title`}>{t('review.partners.verifyTitle', { name: officer.name })}</h5>
      <p>{t('review.partners.verifyIntro', { name: officer.name })}</p>
      <div className="field field-stacked">
        <label htmlFor={`${id}-digits`}>{t('review.partners.verifyInput', { name: officer.name })}</label>
        <input
          id={`${id}-digits`}
          className="mono"
          inputMode="numeric"
          autoComplete="off"
          autoFocus
          maxLength={200}
          value={digits}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? `${id}-error` : undefined}
          onChange={(e) => setDigits(e.target.value)}
          data-testid="verify-input"
        />
      </div>
      {error !== null && (
        <p id={`${id}-error`} role="alert" className="error">
          {t(error)}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={busy || digits.trim() === ''} data-testid="verify-submit">
          {t('review.partners.verifySubmit')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('review.partners.cancel')}
        </button>
      </div>
    </form>
  );
}
