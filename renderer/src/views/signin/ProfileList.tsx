import { useTranslation } from 'react-i18next';
import type { ProfileSummary } from '../../../../shared/api/session-schemas';

/** What the list calls a profile: the officer's name when known, else the id. */
export const profileName = (p: ProfileSummary): string => p.name ?? p.officerId ?? p.id.replace(/^(user|demo):/, '');

interface Props {
  profiles: readonly ProfileSummary[];
  onPick: (profile: ProfileSummary) => void;
}

/** Each profile is a button named by the officer alone; the details describe it. */
export function ProfileList({ profiles, onPick }: Props) {
  const { t } = useTranslation();
  if (profiles.length === 0) return <p>{t('signin.noProfiles')}</p>;
  return (
    <ul className="profile-list">
      {profiles.map((p) => {
        const detailsId = `profile-${p.id.replace(/[^a-z0-9]/g, '-')}-details`;
        return (
          <li key={p.id}>
            <button type="button" className="profile-button" aria-describedby={detailsId} onClick={() => onPick(p)}>
              {profileName(p)}
            </button>
            <span id={detailsId} className="profile-details">
              {t(`signin.kind.${p.kind}`)}
              {p.officerId !== null && p.agency !== null && <> · {t('signin.officerLine', { officerId: p.officerId, agency: p.agency })}</>}
              {p.clearance !== null && <> · {t('signin.clearanceLine', { clearance: p.clearance })}</>}
              {p.unlocked && <> · {t('signin.unlockedNow')}</>}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
