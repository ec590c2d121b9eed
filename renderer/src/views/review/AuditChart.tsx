import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../../shared/api/contract';

type DayCount = CallOutput<'audit.counts'>['days'][number];

/** Days shown: the latest ones with events; the table alternative holds exactly the same. */
const MAX_DAYS = 31;
const W = 640;
const H = 180;
const PAD = 24;
const FALLBACK = ['#5b6b7f', '#8a6d3b', '#3b7a57', '#7a3b6b'];

interface Series {
  key: string;
  label: string;
  color: string;
}

/** Events per day, stacked by classification: an SVG named and described, with the same figures as a table. */
export function AuditChart({ days }: { days: readonly DayCount[] }) {
  const { t } = useTranslation();
  const id = useId();
  const series = new Map<string, Series>();
  const byDay = new Map<string, Map<string, number>>();
  for (const d of days) {
    const key = d.policyId === null ? 'none' : `${d.policyId}#${d.classification ?? ''}`;
    if (!series.has(key)) {
      const label = d.policyId === null ? t('review.audit.unlabelled') : (d.marking ?? t('review.audit.unknownLevel'));
      series.set(key, { key, label, color: d.color ?? FALLBACK[series.size % FALLBACK.length]! });
    }
    const row = byDay.get(d.day) ?? new Map<string, number>();
    row.set(key, (row.get(key) ?? 0) + d.count);
    byDay.set(d.day, row);
  }
  const shown = [...byDay.keys()].sort().slice(-MAX_DAYS);
  const totals = shown.map((day) => [...byDay.get(day)!.values()].reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const total = totals.reduce((a, b) => a + b, 0);
  const slot = (W - PAD) / Math.max(shown.length, 1);
  const keys = [...series.keys()];

  return (
    <figure className="audit-chart" data-testid="audit-chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>
        <h3>{t('review.audit.chartTitle')}</h3>
      </figcaption>
      {shown.length === 0 ? (
        <p>{t('review.audit.chartEmpty')}</p>
      ) : (
        <>
          <svg viewBox={`0 0 ${W} ${H + PAD}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart-svg">
            <title id={`${id}-title`}>{t('review.audit.chartTitle')}</title>
            <desc id={`${id}-desc`}>{t('review.audit.chartDesc', { days: shown.length, total })}</desc>
            <line x1={PAD} y1={H} x2={W} y2={H} className="chart-axis" />
            <text x={PAD - 4} y={12} textAnchor="end" className="chart-label">
              {max}
            </text>
            {shown.map((day, i) => {
              let y = H;
              const x = PAD + i * slot + slot * 0.15;
              return (
                <g key={day}>
                  {keys.map((key) => {
                    const n = byDay.get(day)!.get(key) ?? 0;
                    if (n === 0) return null;
                    const h = (n / max) * (H - 16);
                    y -= h;
                    return <rect key={key} x={x} y={y} width={slot * 0.7} height={h} fill={series.get(key)!.color} stroke="currentColor" strokeWidth={0.5} />;
                  })}
                  {(shown.length <= 8 || i % Math.ceil(shown.length / 8) === 0) && (
                    <text x={x + slot * 0.35} y={H + 16} textAnchor="middle" className="chart-label">
                      {day.slice(5)}
                    </text>
                  )}
                </g>
              );
            })}
          </svg>
          <ul className="chart-legend">
            {keys.map((key) => (
              <li key={key}>
                <span className="swatch" style={{ background: series.get(key)!.color }} aria-hidden="true" /> {series.get(key)!.label}
              </li>
            ))}
          </ul>
          <table className="data-table chart-table" data-testid="audit-chart-table">
            <caption>{t('review.audit.chartDesc', { days: shown.length, total })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('review.audit.day')}</th>
                {keys.map((key) => (
                  <th scope="col" key={key}>
                    {series.get(key)!.label}
                  </th>
                ))}
                <th scope="col">{t('review.audit.count')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((day, i) => (
                <tr key={day}>
                  <th scope="row">{day}</th>
                  {keys.map((key) => (
                    <td key={key}>{byDay.get(day)!.get(key) ?? 0}</td>
                  ))}
                  <td>{totals[i]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </figure>
  );
}
