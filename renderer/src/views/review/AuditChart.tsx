import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../../shared/api/contract';
import { bucketOf, calendar, chartRange, utcToday, type Bucket, type Grain } from './audit-days';

type DayCount = CallOutput<'audit.counts'>['days'][number];

const W = 640;
const H = 180;
const PAD = 24;
const FALLBACK = ['#5b6b7f', '#8a6d3b', '#3b7a57', '#7a3b6b'];
/** At most this many labels under the bars. */
const LABELS = 8;

interface Series {
  key: string;
  label: string;
  color: string;
}

interface Props {
  days: readonly DayCount[];
  /** The filter's first and last day (YYYY-MM-DD, UTC), '' when not set. */
  from: string;
  to: string;
  /** Today as a UTC day; the clock's when not given. */
  today?: string;
}

/** The catalogue's keys for each grain. */
const KEYS = {
  day: { title: 'review.audit.chartTitle', desc: 'review.audit.chartDesc', head: 'review.audit.day' },
  week: { title: 'review.audit.chartTitleWeek', desc: 'review.audit.chartDescWeek', head: 'review.audit.week' },
  month: { title: 'review.audit.chartTitleMonth', desc: 'review.audit.chartDescMonth', head: 'review.audit.month' },
} as const;

/** A bar's name in the table and its short label under the axis. */
function bucketText(b: Bucket, grain: Grain): { row: string; short: string } {
  if (grain === 'day') return { row: b.first, short: b.first.slice(5) };
  if (grain === 'month') return { row: b.first.slice(0, 7), short: b.first.slice(0, 7) };
  return { row: `${b.first} – ${b.last}`, short: b.first.slice(5) };
}

/**
 * Events per UTC day (per week or month over a long range), stacked by classification, over a
 * continuous run of days: the filter's range, else the 31 days ending today. A day without events is a
 * zero, not a gap. An SVG named and described, with the same figures as a table.
 */
export function AuditChart({ days, from, to, today }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const cal = calendar(chartRange(from, to, today ?? utcToday()));
  const keys = KEYS[cal.grain];
  const series = new Map<string, Series>();
  const counts = cal.buckets.map(() => new Map<string, number>());
  for (const d of days) {
    const at = bucketOf(cal.buckets, d.day);
    if (at < 0) continue;
    const key = d.policyId === null ? 'none' : `${d.policyId}#${d.classification ?? ''}`;
    if (!series.has(key)) {
      const label = d.policyId === null ? t('review.audit.unlabelled') : (d.marking ?? t('review.audit.unknownLevel'));
      series.set(key, { key, label, color: d.color ?? FALLBACK[series.size % FALLBACK.length]! });
    }
    const row = counts[at]!;
    row.set(key, (row.get(key) ?? 0) + d.count);
  }
  const totals = counts.map((row) => [...row.values()].reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const total = totals.reduce((a, b) => a + b, 0);
  const slot = (W - PAD) / Math.max(cal.buckets.length, 1);
  const stack = [...series.keys()];
  const texts = cal.buckets.map((b) => bucketText(b, cal.grain));
  const desc = t(keys.desc, { count: cal.buckets.length, from: cal.from, to: cal.to, total });
  const every = Math.ceil(cal.buckets.length / LABELS);

  return (
    <figure className="audit-chart" data-testid="audit-chart" data-grain={cal.grain} aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>
        <h3>{t(keys.title)}</h3>
      </figcaption>
      {cal.tooLong ? (
        <p data-testid="audit-chart-too-long">{t('review.audit.chartTooLong', { from: cal.from, to: cal.to })}</p>
      ) : total === 0 ? (
        <p data-testid="audit-chart-empty">{t('review.audit.chartEmpty', { from: cal.from, to: cal.to })}</p>
      ) : (
        <>
          <svg viewBox={`0 0 ${W} ${H + PAD}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart-svg">
            <title id={`${id}-title`}>{t(keys.title)}</title>
            <desc id={`${id}-desc`}>{desc}</desc>
            <line x1={PAD} y1={H} x2={W} y2={H} className="chart-axis" />
            <text x={PAD - 4} y={12} textAnchor="end" className="chart-label">
              {max}
            </text>
            {cal.buckets.map((b, i) => {
              let y = H;
              const x = PAD + i * slot + slot * 0.15;
              return (
                <g key={b.first} data-testid="audit-chart-bar" data-first={b.first} data-count={totals[i]}>
                  {stack.map((key) => {
                    const n = counts[i]!.get(key) ?? 0;
                    if (n === 0) return null;
                    const h = (n / max) * (H - 16);
                    y -= h;
                    return <rect key={key} x={x} y={y} width={slot * 0.7} height={h} fill={series.get(key)!.color} stroke="currentColor" strokeWidth={0.5} />;
                  })}
                  {i % every === 0 && (
                    <text x={x + slot * 0.35} y={H + 16} textAnchor="middle" className="chart-label">
                      {texts[i]!.short}
                    </text>
                  )}
                </g>
              );
            })}
          </svg>
          <ul className="chart-legend">
            {stack.map((key) => (
              <li key={key}>
                <span className="swatch" style={{ background: series.get(key)!.color }} aria-hidden="true" /> {series.get(key)!.label}
              </li>
            ))}
          </ul>
          <details className="chart-details">
            <summary>{t('review.audit.chartTable')}</summary>
            <table className="data-table chart-table" data-testid="audit-chart-table">
              <caption>{desc}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(keys.head)}</th>
                  {stack.map((key) => (
                    <th scope="col" key={key}>
                      {series.get(key)!.label}
                    </th>
                  ))}
                  <th scope="col">{t('review.audit.count')}</th>
                </tr>
              </thead>
              <tbody>
                {cal.buckets.map((b, i) => (
                  <tr key={b.first}>
                    <th scope="row">{texts[i]!.row}</th>
                    {stack.map((key) => (
                      <td key={key}>{counts[i]!.get(key) ?? 0}</td>
                    ))}
                    <td>{totals[i]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </figure>
  );
}
