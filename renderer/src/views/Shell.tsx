import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../../shared/api/contract';
import type { Prefs, PrefsPatch } from '../../../shared/prefs';
import { SettingsPanel } from './SettingsPanel';

interface Props {
  info: AppInfo | null;
  prefs: Prefs | null;
  error: string | null;
  onChangePrefs: (patch: PrefsPatch) => Promise<void>;
  /** The sign-in or desktop view, once the app knows its session. */
  children?: ReactNode;
}

export function Shell({ info, prefs, error, onChangePrefs, children }: Props) {
  const { t } = useTranslation();
  return (
    <div className="shell">
      <header className="shell-header">
        <h1>{t('app.name')}</h1>
        <p className="tagline">{t('app.tagline')}</p>
      </header>
      <main className="shell-main">
        {error !== null && (
          <p role="alert" className="error">
            {t(error)}
          </p>
        )}
        {info === null || prefs === null ? (
          error === null && <p aria-busy="true">{t('app.loading')}</p>
        ) : (
          <>
            <section aria-labelledby="about-title" className="panel">
              <h2 id="about-title" className="visually-hidden">
                {t('app.name')}
              </h2>
              <p>{t('shell.welcome')}</p>
              <dl className="facts">
                <dt>{t('shell.modeLabel')}</dt>
                <dd data-testid="app-mode">{t(`shell.mode.${info.mode}`)}</dd>
                <dt>{t('shell.platform')}</dt>
                <dd>{info.platform}</dd>
              </dl>
              <p className="version" data-testid="app-version">
                {t('shell.version', { version: info.version })}
              </p>
            </section>
            {children}
            <SettingsPanel prefs={prefs} onChange={onChangePrefs} />
          </>
        )}
      </main>
    </div>
  );
}
