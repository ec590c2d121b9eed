import { useTranslation } from 'react-i18next';
import { LANGUAGES, THEMES, Language, Theme, type Prefs, type PrefsPatch } from '../../../shared/prefs';
import { ChoiceField } from './ChoiceField';

interface Props {
  prefs: Prefs;
  onChange: (patch: PrefsPatch) => Promise<void>;
}

export function SettingsPanel({ prefs, onChange }: Props) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="settings-title" className="panel">
      <h2 id="settings-title">{t('settings.title')}</h2>
      <ChoiceField
        label={t('settings.language')}
        value={prefs.language}
        options={LANGUAGES}
        schema={Language}
        optionLabel={(lang) => t(`languages.${lang}`)}
        optionLang={(lang) => lang}
        onPick={(language) => void onChange({ language })}
      />
      <ChoiceField
        label={t('settings.theme')}
        value={prefs.theme}
        options={THEMES}
        schema={Theme}
        optionLabel={(theme) => t(`settings.themes.${theme}`)}
        onPick={(theme) => void onChange({ theme })}
      />
    </section>
  );
}
