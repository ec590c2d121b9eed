import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntenteApi } from '../../../../shared/api/contract';
import type { ProfileSummary, SessionStatus } from '../../../../shared/api/session-schemas';
import { errorKey } from '../../api/use-api-error';
import { profileName } from './ProfileList';

interface Props {
  api: EntenteApi;
  profile: ProfileSummary;
  onUnlocked: (status: SessionStatus) => void;
  onBack: () => void;
}

export function UnlockForm({ api, profile, onUnlocked, onBack }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (passphrase.length === 0 || busy) return;
    setBusy(true);
    setError(null);
    try {
      const status = await api['profile.unlock']({ profileId: profile.id, passphrase });
      setPassphrase('');
      onUnlocked(status);
    } catch (err) {
      setError(errorKey(err));
      setBusy(false);
    }
  };

  return (
    <form className="unlock-form" onSubmit={(e) => void submit(e)} aria-busy={busy}>
      <h3>{t('signin.unlockTitle', { name: profileName(profile) })}</h3>
      {profile.demoPassphrase !== null && (
        <p className="hint">
          {t('signin.demoPassphrase', { passphrase: profile.demoPassphrase })}{' '}
          <button type="button" onClick={() => setPassphrase(profile.demoPassphrase ?? '')}>
            {t('signin.useDemoPassphrase')}
          </button>
        </p>
      )}
      <div className="field">
        <label htmlFor={`${id}-pass`}>{t('signin.passphrase')}</label>
        <input
          id={`${id}-pass`}
          type="password"
          autoComplete="current-password"
          autoFocus
          value={passphrase}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? `${id}-error` : undefined}
          onChange={(e) => setPassphrase(e.target.value)}
        />
      </div>
      {error !== null && (
        <p id={`${id}-error`} role="alert" className="error">
          {t(error)}
        </p>
      )}
      {busy && <p role="status">{t('signin.unlocking')}</p>}
      <div className="actions">
        <button type="submit" data-testid="unlock" disabled={busy || passphrase.length === 0}>
          {t('signin.unlock')}
        </button>
        <button type="button" onClick={onBack} disabled={busy}>
          {t('signin.back')}
        </button>
      </div>
    </form>
  );
}
