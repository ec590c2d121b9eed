import { useTranslation } from 'react-i18next';
import { LANGUAGES, THEMES, Language, Theme, type Prefs, type PrefsPatch } from '../../../shared/prefs';

interface Props {
  prefs: Prefs;
  onChange: (patch: PrefsPatch) => Promise<void>;
}

export function SettingsPanel({ prefs, onChange }: Props) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="settings-title" className="panel">
      <h2 id="settings-title">{t('settings.title')}</h2>
      <label className="field">
        <span>{t('settings.language')}</span>
        <select
          value={prefs.language}
          onChange={(e) => {
            const language = Language.safeParse(e.target.value);
            if (language.success) void onChange({ language: language.data });
          }}
        >
          {LANGUAGES.map((lang) => (
            <option key={lang} value={lang} lang={lang}>
              {t(`languages.${lang}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('settings.theme')}</span>
        <select
          value={prefs.theme}
          onChange={(e) => {
            const theme = Theme.safeParse(e.target.value);
            if (theme.success) void onChange({ theme: theme.data });
          }}
        >
          {THEMES.map((theme) => (
            <option key={theme} value={theme}>
              {t(`settings.themes.${theme}`)}
            </option>
          ))}
        </select>
      </label>
    </section>
  );
}
