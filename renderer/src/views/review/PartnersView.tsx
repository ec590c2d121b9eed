import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput, EntenteApi } from '../../../../shared/api/contract';
import { errorKey } from '../../api/use-api-error';
import { OfficerCard } from './OfficerCard';

export interface PartnersViewProps {
  api: EntenteApi;
}

type Partners = CallOutput<'partners.list'>;

const day = (iso: string): string => iso.slice(0, 10);

export function PartnersView({ api }: PartnersViewProps) {
  const { t } = useTranslation();
  const id = useId();
  const [partners, setPartners] = useState<Partners | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api['partners.list']({})
      .then((list) => live && setPartners(list))
      .catch((err: unknown) => live && setError(errorKey(err)));
    return () => {
      live = false;
    };
  }, [api]);

  return (
    <section className="panel partners-view" aria-labelledby={`${id}-title`} data-testid="partners-view">
      <h2 id={`${id}-title`}>{t('review.partners.title')}</h2>
      {error !== null && (
        <p role="alert" className="error">
          {t(error)}
        </p>
      )}
      {partners === null ? (
        error === null && <p aria-busy="true">{t('app.loading')}</p>
      ) : (
        <>
          <h3>{t('review.partners.agencies')}</h3>
          {partners.agencies.length === 0 ? (
            <p>{t('review.partners.noAgencies')}</p>
          ) : (
            <table className="data-table" data-testid="agencies">
              <thead>
                <tr>
                  <th scope="col">{t('review.partners.agencyName')}</th>
                  <th scope="col">{t('review.partners.agencyId')}</th>
                  <th scope="col">{t('review.partners.country')}</th>
                  <th scope="col">{t('review.partners.fingerprint')}</th>
                </tr>
              </thead>
              <tbody>
                {partners.agencies.map((a) => (
                  <tr key={a.id}>
                    <th scope="row">
                      {a.name}
                      {a.own && <> ({t('review.partners.own')})</>}
                    </th>
                    <td>{a.id}</td>
                    <td>{a.country}</td>
                    <td className="mono">{a.fingerprint}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>{t('review.partners.agreements')}</h3>
          {partners.agreements.length === 0 ? (
            <p>{t('review.partners.noAgreements')}</p>
          ) : (
            <table className="data-table" data-testid="agreements">
              <thead>
                <tr>
                  <th scope="col">{t('review.partners.between')}</th>
                  <th scope="col">{t('review.partners.policy')}</th>
                  <th scope="col">{t('review.partners.ceiling')}</th>
                  <th scope="col">{t('review.partners.validity')}</th>
                  <th scope="col">{t('review.partners.state')}</th>
                </tr>
              </thead>
              <tbody>
                {partners.agreements.map((g) => (
                  <tr key={g.id} data-testid="agreement">
                    <th scope="row">
                      {g.proposer} ↔ {g.partner}
                    </th>
                    <td>{g.policyName ?? t('review.partners.unknownPolicy')}</td>
                    <td>{g.ceilingMarking ?? g.ceiling?.marking ?? t('review.partners.unknownPolicy')}</td>
                    <td>{t('review.partners.validityRange', { from: day(g.notBefore), to: day(g.notAfter) })}</td>
                    <td>{t(`review.partners.states.${g.state}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>{t('review.partners.officers')}</h3>
          {partners.officers.length === 0 ? (
            <p>{t('review.partners.noOfficers')}</p>
          ) : (
            <ul className="officer-list">
              {partners.officers.map((o) => (
                <OfficerCard
                  key={`${o.agency}/${o.officerId}`}
                  api={api}
                  officer={o}
                  onChanged={(next) =>
                    setPartners((p) => p && { ...p, officers: p.officers.map((x) => (x.agency === next.agency && x.officerId === next.officerId ? next : x)) })
                  }
                />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
