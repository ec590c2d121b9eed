import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { passphraseStrength } from './passphrase-strength';

/** The meter shows the level as words too: never colour alone. */
export function StrengthMeter({ passphrase }: { passphrase: string }) {
  const { t } = useTranslation();
  const id = useId();
  const { score, level } = passphraseStrength(passphrase);
  return (
    <div className="strength" data-testid="strength">
      <span id={`${id}-label`}>{t('signin.strength.label')}</span>
      <meter aria-labelledby={`${id}-label`} aria-describedby={`${id}-text`} min={0} max={4} low={2} high={3} optimum={4} value={score} />
      <span id={`${id}-text`} data-testid="strength-text" data-score={score} aria-live="polite">
        {t(`signin.strength.${level}`)}
      </span>
    </div>
  );
}
