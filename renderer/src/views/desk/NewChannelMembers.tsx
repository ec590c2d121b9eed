import { useTranslation } from 'react-i18next';
import type { PartnerOfficer } from '../../../../shared/api/partners-schemas';

/** A partner officer as the picker lists them: partners.list's officer with their agency's name. */
export type Partner = PartnerOfficer & { agencyName: string | null };

/** The picker's list: not asked yet, on its way, there, or refused (an i18n key). */
export type PartnersState = { state: 'idle' } | { state: 'loading' } | { state: 'ready'; officers: Partner[] } | { state: 'failed'; key: string };

interface Props {
  state: PartnersState;
  /** "agency/officer" of the officers ticked. */
  picked: ReadonlySet<string>;
  onToggle: (key: string, on: boolean) => void;
}

/**
 * The partner officers whose credentials this profile holds, one checkbox each. An officer who cannot
 * receive notes now (keys changed, credential not in force) may still be added, and is said to be so:
 * the creation answer will list them among those not told.
 */
export function NewChannelMembers({ state, picked, onToggle }: Props) {
  const { t } = useTranslation();
  return (
    <fieldset className="member-picker" data-testid="new-channel-picker" aria-busy={state.state === 'loading' || undefined}>
      <legend>{t('desk.newChannel.pick')}</legend>
      {state.state === 'failed' ? (
        <p className="error">{t('desk.newChannel.partnersFailed', { reason: t(state.key) })}</p>
      ) : state.state !== 'ready' ? (
        <p>{t('desk.newChannel.partnersLoading')}</p>
      ) : state.officers.length === 0 ? (
        <p>{t('desk.newChannel.noPartners')}</p>
      ) : (
        <ul>
          {state.officers.map((o) => {
            const key = `${o.agency}/${o.officerId}`;
            return (
              <li key={key}>
                <label>
                  <input type="checkbox" data-testid={`new-channel-pick-${key}`} checked={picked.has(key)} onChange={(e) => onToggle(key, e.target.checked)} />{' '}
                  {t('desk.newChannel.partner', { name: o.name, agency: o.agencyName ?? o.agency, ref: key })}
                  {!o.sendable && <span className="muted"> — {t('desk.newChannel.notSendable')}</span>}
                </label>
              </li>
            );
          })}
        </ul>
      )}
    </fieldset>
  );
}
