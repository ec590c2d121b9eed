import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput, EntenteApi } from '../../../../shared/api/contract';
import type { SessionStatus } from '../../../../shared/api/session-schemas';
import { errorKey } from '../../api/use-api-error';
import { ImportFiles } from './ImportFiles';

type Unlocked = Extract<SessionStatus, { state: 'unlocked' }>;

interface Props {
  api: EntenteApi;
  session: Unlocked;
  onDone: (status: SessionStatus) => void;
}

/** First run, after the profile exists: enrolment request out, credential and partners' files in. */
export function Onboarding({ api, session, onDone }: Props) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState<SessionStatus>(session);
  const [request, setRequest] = useState<CallOutput<'profile.enrolmentRequest'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const standing = current.state === 'unlocked' ? current.officer.standing : 'credential_missing';

  const exportRequest = async (): Promise<void> => {
    setError(null);
    try {
      setRequest(await api['profile.enrolmentRequest']({}));
    } catch (err) {
      setError(errorKey(err));
    }
  };

  return (
    <section className="onboarding" aria-labelledby="onboard-title" data-testid="onboarding">
      <h3 id="onboard-title">{t('signin.onboard.title', { name: session.officer.name })}</h3>
      <p>{t('signin.onboard.intro')}</p>
      <section aria-labelledby="enrol-title">
        <h4 id="enrol-title">{t('signin.onboard.enrolTitle')}</h4>
        <p>{t('signin.onboard.enrolIntro')}</p>
        <button type="button" onClick={() => void exportRequest()} data-testid="enrolment-export">
          {t('signin.onboard.enrolExport')}
        </button>
        {error !== null && (
          <p role="alert" className="error">
            {t(error)}
          </p>
        )}
        {request !== null && (
          <div data-testid="enrolment-result">
            <p role="status" data-testid="enrolment-file">
              {t('signin.onboard.exported', { file: request.file })}
            </p>
            <dl className="facts">
              <dt>{t('signin.onboard.fingerprint')}</dt>
              <dd data-testid="enrolment-fingerprint" className="mono">
                {request.fingerprint}
              </dd>
            </dl>
            <label className="field-stacked">
              <span>{t('signin.onboard.requestContent')}</span>
              <textarea readOnly rows={4} value={request.content} className="mono" />
            </label>
          </div>
        )}
      </section>
      <section aria-labelledby="import-title">
        <h4 id="import-title">{t('signin.onboard.importTitle')}</h4>
        <p>{t('signin.onboard.importIntro')}</p>
        <ImportFiles api={api} onImported={setCurrent} />
        <p data-testid="onboard-standing">{t('signin.onboard.standing', { standing: t(`signin.standing.${standing}`) })}</p>
      </section>
      <section aria-labelledby="continue-title">
        <h4 id="continue-title">{t('signin.onboard.continueTitle')}</h4>
        <button type="button" data-testid="onboard-done" onClick={() => onDone(current)}>
          {standing === 'in_force' ? t('signin.onboard.continue') : t('signin.onboard.continueWithout')}
        </button>
      </section>
    </section>
  );
}
