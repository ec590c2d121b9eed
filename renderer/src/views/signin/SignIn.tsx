import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntenteApi } from '../../../../shared/api/contract';
import type { ProfileSummary, SessionStatus } from '../../../../shared/api/session-schemas';
import { errorKey } from '../../api/use-api-error';
import { CreateProfileForm } from './CreateProfileForm';
import { Onboarding } from './Onboarding';
import { ProfileList } from './ProfileList';
import { UnlockForm } from './UnlockForm';

export interface SignInProps {
  api: EntenteApi;
  /** Called with the unlocked session once the officer is in. */
  onUnlocked: (status: SessionStatus) => void;
}

type Unlocked = Extract<SessionStatus, { state: 'unlocked' }>;
type Step = { step: 'choose' } | { step: 'unlock'; profile: ProfileSummary } | { step: 'create' } | { step: 'onboard'; session: Unlocked };

/** Choosing a profile, unlocking it, or creating one (first run). */
export function SignIn({ api, onUnlocked }: SignInProps) {
  const { t } = useTranslation();
  const [profiles, setProfiles] = useState<ProfileSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<Step>({ step: 'choose' });

  const load = useCallback(() => {
    api['profiles.list']({})
      .then((list) => setProfiles(list.profiles))
      .catch((err: unknown) => setError(errorKey(err)));
  }, [api]);
  useEffect(load, [load]);

  // A profile without a credential goes through onboarding first: there is nothing to show without one.
  const entered = (status: SessionStatus): void => {
    if (status.state === 'unlocked' && status.officer.standing === 'credential_missing') setStep({ step: 'onboard', session: status });
    else onUnlocked(status);
  };
  const back = (): void => {
    setStep({ step: 'choose' });
    load();
  };

  return (
    <section className="panel signin" data-testid="signin" aria-labelledby="signin-title">
      <h2 id="signin-title">{t('signin.title')}</h2>
      {error !== null && (
        <p role="alert" className="error">
          {t(error)}
        </p>
      )}
      {step.step === 'choose' && (
        <>
          <h3>{t('signin.profilesTitle')}</h3>
          {profiles === null ? error === null && <p aria-busy="true">{t('app.loading')}</p> : <ProfileList profiles={profiles} onPick={(profile) => setStep({ step: 'unlock', profile })} />}
          <button type="button" data-testid="create-profile" onClick={() => setStep({ step: 'create' })}>
            {t('signin.create')}
          </button>
        </>
      )}
      {step.step === 'unlock' && <UnlockForm api={api} profile={step.profile} onUnlocked={entered} onBack={back} />}
      {step.step === 'create' && <CreateProfileForm api={api} onCreated={entered} onBack={back} />}
      {step.step === 'onboard' && <Onboarding api={api} session={step.session} onDone={onUnlocked} />}
    </section>
  );
}
