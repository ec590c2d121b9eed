import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntenteApi } from '../../../../shared/api/contract';
import { AUTO_LOCK_MINUTES, type Settings, type SettingsPatch } from '../../../../shared/api/settings-schemas';
import { SESSION_MODES, SessionMode, type LevelRef } from '../../../../shared/display';
import type { Policy } from '../../../../shared/labels/model';
import { LANGUAGES, Language, type PrefsPatch } from '../../../../shared/prefs';
import { errorKey } from '../../api/use-api-error';
import { ImportFiles } from './ImportFiles';
import { levelChoices, levelValue } from './levels';

export interface SettingsViewProps {
  api: EntenteApi;
  /** The app's preferences setter (Desktop's onChangePrefs): the language then follows at once everywhere. */
  onChangePrefs?: (patch: PrefsPatch) => Promise<void>;
}

type LevelKey = 'ceiling' | 'notificationLevel' | 'contentProtectionLevel';

export function SettingsView({ api, onChangePrefs }: SettingsViewProps) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [policies, setPolicies] = useState<Policy[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [minutes, setMinutes] = useState('');
  const [minutesInvalid, setMinutesInvalid] = useState(false);

  useEffect(() => {
    let live = true;
    Promise.all([api['settings.get']({}), api['display.context']({})])
      .then(([current, context]) => {
        if (!live) return;
        setSettings(current);
        setMinutes(String(current.autoLockMinutes));
        setPolicies(context.policies);
      })
      .catch((err: unknown) => live && setError(errorKey(err)));
    return () => {
      live = false;
    };
  }, [api]);

  const save = async (patch: SettingsPatch, what: string): Promise<void> => {
    setSaved(null);
    setError(null);
    try {
      const next = await api['settings.set'](patch);
      setSettings(next);
      setMinutes(String(next.autoLockMinutes));
      if (patch.language !== undefined) {
        if (onChangePrefs) await onChangePrefs({ language: patch.language });
        else {
          await i18n.changeLanguage(patch.language);
          document.documentElement.lang = patch.language;
        }
      }
      setSaved(what);
    } catch (err) {
      setError(errorKey(err));
    }
  };

  const submitMinutes = (e: FormEvent): void => {
    e.preventDefault();
    const n = Number(minutes);
    const ok = /^\d+$/.test(minutes.trim()) && n >= AUTO_LOCK_MINUTES.min && n <= AUTO_LOCK_MINUTES.max;
    setMinutesInvalid(!ok);
    if (ok) void save({ autoLockMinutes: n }, t('signin.settings.autoLock'));
  };

  if (settings === null) {
    return (
      <section className="panel" aria-labelledby={`${id}-title`} data-testid="settings-view">
        <h2 id={`${id}-title`}>{t('signin.settings.title')}</h2>
        {error !== null ? (
          <p role="alert" className="error">
            {t(error)}
          </p>
        ) : (
          <p aria-busy="true">{t('app.loading')}</p>
        )}
      </section>
    );
  }

  const choices = levelChoices(policies, i18n.language);
  const levelSelect = (key: LevelKey, label: string, noneLabel: string, testId?: string, hint?: string) => {
    const current = settings[key];
    const known = choices.some((c) => c.value === levelValue(current));
    return (
      <div className="field field-stacked">
        <label htmlFor={`${id}-${key}`}>{label}</label>
        <select
          id={`${id}-${key}`}
          data-testid={testId}
          value={levelValue(current)}
          aria-describedby={hint !== undefined ? `${id}-${key}-hint` : undefined}
          onChange={(e) => {
            const picked: LevelRef | null = e.target.value === '' ? null : (choices.find((c) => c.value === e.target.value)?.ref ?? current);
            void save({ [key]: picked }, label);
          }}
        >
          <option value="">{noneLabel}</option>
          {!known && current !== null && <option value={levelValue(current)}>{levelValue(current)}</option>}
          {choices.map((c) => (
            <option key={c.value} value={c.value}>
              {t('signin.settings.levelOption', { policy: c.policyName, marking: c.marking })}
            </option>
          ))}
        </select>
        {hint !== undefined && (
          <small id={`${id}-${key}-hint`} className="hint">
            {hint}
          </small>
        )}
      </div>
    );
  };

  return (
    <section className="panel settings-view" aria-labelledby={`${id}-title`} data-testid="settings-view">
      <h2 id={`${id}-title`}>{t('signin.settings.title')}</h2>
      <p>{t('signin.settings.intro')}</p>
      <div aria-live="polite">
        {saved !== null && <p role="status" className="ok">{t('signin.settings.saved', { what: saved })}</p>}
      </div>
      {error !== null && (
        <p role="alert" className="error">
          {t(error)}
        </p>
      )}
      <div className="field field-stacked">
        <label htmlFor={`${id}-language`}>{t('signin.settings.language')}</label>
        <select
          id={`${id}-language`}
          data-testid="settings-language"
          value={settings.language}
          onChange={(e) => {
            const picked = Language.safeParse(e.target.value);
            if (picked.success) void save({ language: picked.data }, t('signin.settings.language'));
          }}
        >
          {LANGUAGES.map((lang) => (
            <option key={lang} value={lang} lang={lang}>
              {t(`languages.${lang}`)}
            </option>
          ))}
        </select>
      </div>
      {levelSelect('ceiling', t('signin.settings.ceiling'), t('signin.settings.noCeiling'), 'settings-ceiling', t('signin.settings.ceilingHint'))}
      <div className="field field-stacked">
        <label htmlFor={`${id}-mode`}>{t('signin.settings.sessionMode')}</label>
        <select
          id={`${id}-mode`}
          data-testid="settings-session-mode"
          value={settings.sessionMode}
          aria-describedby={`${id}-mode-hint`}
          onChange={(e) => {
            const picked = SessionMode.safeParse(e.target.value);
            if (picked.success) void save({ sessionMode: picked.data }, t('signin.settings.sessionMode'));
          }}
        >
          {SESSION_MODES.map((mode) => (
            <option key={mode} value={mode}>
              {t(`signin.settings.modes.${mode}`)}
            </option>
          ))}
        </select>
        <small id={`${id}-mode-hint`} className="hint">
          {t('signin.settings.sessionModeHint')}
        </small>
      </div>
      <form className="field field-stacked" onSubmit={submitMinutes} noValidate>
        <label htmlFor={`${id}-autolock`}>{t('signin.settings.autoLock')}</label>
        <span className="inline">
          <input
            id={`${id}-autolock`}
            data-testid="settings-autolock"
            type="number"
            inputMode="numeric"
            min={AUTO_LOCK_MINUTES.min}
            max={AUTO_LOCK_MINUTES.max}
            value={minutes}
            aria-invalid={minutesInvalid}
            aria-describedby={`${id}-autolock-hint`}
            onChange={(e) => setMinutes(e.target.value)}
          />
          <button type="submit">{t('signin.settings.apply')}</button>
        </span>
        <small id={`${id}-autolock-hint`} className={minutesInvalid ? 'error' : 'hint'} data-testid="settings-autolock-hint">
          {t(minutesInvalid ? 'signin.settings.autoLockInvalid' : 'signin.settings.autoLockHint', { min: AUTO_LOCK_MINUTES.min, max: AUTO_LOCK_MINUTES.max })}
        </small>
      </form>
      {levelSelect('notificationLevel', t('signin.settings.notificationLevel'), t('signin.settings.notificationNone'), 'settings-notification')}
      {levelSelect('contentProtectionLevel', t('signin.settings.protectionLevel'), t('signin.settings.protectionNone'), 'settings-protection', t('signin.settings.protectionHint'))}
      <section aria-labelledby={`${id}-import`}>
        <h3 id={`${id}-import`}>{t('signin.settings.importTitle')}</h3>
        <p>{t('signin.settings.importIntro')}</p>
        <ImportFiles api={api} />
      </section>
    </section>
  );
}
