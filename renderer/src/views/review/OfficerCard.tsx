import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntenteApi } from '../../../../shared/api/contract';
import type { PartnerOfficer } from '../../../../shared/api/partners-schemas';
import { VerifyForm } from './VerifyForm';

interface Props {
  api: EntenteApi;
  officer: PartnerOfficer;
  onChanged: (officer: PartnerOfficer) => void;
}

/** One partner officer: safety number in groups, verification state and the key-change warning in words. */
export function OfficerCard({ api, officer, onChanged }: Props) {
  const { t } = useTranslation();
  const [verifying, setVerifying] = useState(false);
  const [justVerified, setJustVerified] = useState(false);
  const key = `${officer.agency}/${officer.officerId}`;
  return (
    <li className={`officer-card${officer.keyChanged ? ' key-changed' : ''}`} data-testid={`officer-${key}`}>
      <h4>{officer.name}</h4>
      <p>{t('review.partners.officerLine', { agency: officer.agency, officerId: officer.officerId, nationality: officer.nationality, serial: officer.serial })}</p>
      {officer.clearance !== null && <p>{t('review.partners.clearance', { clearance: officer.clearance })}</p>}
      <p>
        {t(`review.partners.standing.${officer.standing}`)} · <strong data-testid="officer-verified">{officer.verified ? t('review.partners.verified') : t('review.partners.unverified')}</strong> ·{' '}
        {officer.sendable ? t('review.partners.sendable') : t('review.partners.notSendable')}
      </p>
      {officer.keyChanged && (
        <p role="alert" className="warning-banner" data-testid="key-changed">
          {t('review.partners.keyChanged', { name: officer.name })}
        </p>
      )}
      <div className="safety-number">
        <span>{t('review.partners.safetyNumber')}</span>
        <code data-testid="safety-number">{officer.safetyNumber.join(' ')}</code>
      </div>
      {justVerified && <p role="status">{t('review.partners.verifiedNow', { name: officer.name })}</p>}
      {verifying ? (
        <VerifyForm
          api={api}
          officer={officer}
          onCancel={() => setVerifying(false)}
          onVerified={(next) => {
            setVerifying(false);
            setJustVerified(true);
            onChanged(next);
          }}
        />
      ) : (
        (!officer.verified || officer.keyChanged) && (
          <button type="button" data-testid="verify-open" onClick={() => setVerifying(true)}>
            {t('review.partners.verify', { name: officer.name })}
          </button>
        )
      )}
    </li>
  );
}
