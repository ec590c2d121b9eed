import { useTranslation } from 'react-i18next';
import type { BannerLevel } from '../../../../shared/display';
import { textOn } from './levels';

/** The classification banner: the highest classification on screen, one level per policy, in its colours. */
export function Banner({ levels, place }: { levels: readonly BannerLevel[]; place: 'top' | 'bottom' }) {
  const { t } = useTranslation();
  const first = levels[0];
  const fg = first === undefined ? null : textOn(first.color);
  return (
    <div
      className={`banner banner-${place}`}
      data-testid={`banner-${place}`}
      role="note"
      aria-label={t('desk.banner.label')}
      style={first === undefined || first.color === null || fg === null ? undefined : { background: first.color, color: fg }}
    >
      {levels.length === 0 ? t('desk.banner.none') : levels.map((l) => l.marking).join(' · ')}
    </div>
  );
}
