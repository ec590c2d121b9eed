import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { AuditChart } from '../../renderer/src/views/review/AuditChart';
import { AuditView } from '../../renderer/src/views/review/AuditView';
import { addDays, bucketOf, calendar, chartRange, MAX_DAILY, MAX_WEEKLY } from '../../renderer/src/views/review/audit-days';
import { en } from '../../renderer/src/i18n/en';
import { fr } from '../../renderer/src/i18n/fr';
import { compileSpif } from '../../main/policy';
import type { CallOutput } from '../../shared/api/contract';
import { fakeApi, renderIn } from '../helpers/fake-api';

afterEach(cleanup);

type DayCount = CallOutput<'audit.counts'>['days'][number];
const nato = compileSpif(readFileSync('policies/nato.xml', 'utf8'));
const secret = nato.classifications.find((c) => c.name === 'SECRET')!;
const none = (day: string, count: number): DayCount => ({ day, policyId: null, classification: null, marking: null, color: null, count });
const labelled = (day: string, count: number): DayCount => ({ day, policyId: nato.id, classification: secret.lacv, marking: 'NATO SECRET', color: '#c00', count });

/** The table alternative, row by row: the row's name, then each figure. */
const tableRows = () => [...screen.getByTestId('audit-chart-table').querySelectorAll('tbody tr')].map((r) => [...r.children].map((c) => c.textContent));
const bars = () => [...screen.getByTestId('audit-chart').querySelectorAll('[data-testid="audit-chart-bar"]')].map((b) => [b.getAttribute('data-first'), Number(b.getAttribute('data-count'))] as const);

describe('audit chart: a continuous run of UTC days', () => {
  it('without a range: the 31 days ending today, a day without events a zero, the table the same days', () => {
    renderIn(<AuditChart days={[none('2026-11-20', 3), labelled('2026-11-20', 2), none('2026-11-22', 1), none('2026-09-01', 50)]} from="" to="" today="2026-11-23" />);
    const rows = tableRows();
    expect(rows.length).toBe(31);
    expect(rows[0]![0]).toBe('2026-10-24');
    expect(rows.at(-1)![0]).toBe('2026-11-23');
    // Every day in order, none skipped.
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 31 }, (_, i) => addDays('2026-10-24', i)));
    expect(rows.find((r) => r[0] === '2026-11-20')).toEqual(['2026-11-20', '3', '2', '5']);
    expect(rows.find((r) => r[0] === '2026-11-21')).toEqual(['2026-11-21', '0', '0', '0']);
    expect(rows.find((r) => r[0] === '2026-11-22')).toEqual(['2026-11-22', '1', '0', '1']);
    // The bars are the same days with the same totals; a day outside the range (Sept.) is not drawn.
    expect(bars().map(([d]) => d)).toEqual(rows.map((r) => r[0]));
    expect(bars().map(([, n]) => n)).toEqual(rows.map((r) => Number(r.at(-1))));
    expect(screen.getByTestId('audit-chart').querySelectorAll('rect').length).toBe(3);
    const desc = screen.getByTestId('audit-chart').querySelector('desc')?.textContent;
    expect(desc).toBe('31 days from 2026-10-24 to 2026-11-23 (UTC): 6 events; the table gives the same figures.');
    expect(screen.getByTestId('audit-chart-table').querySelector('th')?.textContent).toBe(en.review.audit.day);
  });

  it('with the filter’s range: exactly those days, the first and last included', () => {
    renderIn(<AuditChart days={[none('2026-03-02', 4), none('2026-03-05', 1), none('2026-03-09', 7)]} from="2026-03-01" to="2026-03-05" today="2026-11-23" />);
    expect(tableRows()).toEqual([
      ['2026-03-01', '0', '0'],
      ['2026-03-02', '4', '4'],
      ['2026-03-03', '0', '0'],
      ['2026-03-04', '0', '0'],
      ['2026-03-05', '1', '1'],
    ]);
  });

  it('only a start: through today; only an end: the 31 days ending it', () => {
    renderIn(<AuditChart days={[none('2026-11-21', 1)]} from="2026-11-10" to="" today="2026-11-23" />);
    expect(tableRows().map((r) => r[0])).toEqual(Array.from({ length: 14 }, (_, i) => addDays('2026-11-10', i)));
    cleanup();
    renderIn(<AuditChart days={[none('2026-02-27', 1)]} from="" to="2026-03-01" today="2026-11-23" />);
    const rows = tableRows();
    expect(rows.length).toBe(31);
    // Across the end of February (28 days in 2026): still one row per calendar day.
    expect(rows[0]![0]).toBe('2026-01-30');
    expect(rows.at(-1)![0]).toBe('2026-03-01');
    expect(rows.map((r) => r[0])).toContain('2026-02-28');
    expect(rows.map((r) => r[0])).not.toContain('2026-02-29');
  });

  it('no event in the range: says so with the range, draws no empty chart', () => {
    renderIn(<AuditChart days={[none('2025-01-01', 9)]} from="" to="" today="2026-11-23" />);
    expect(screen.getByTestId('audit-chart-empty').textContent).toBe('No event from 2026-10-24 to 2026-11-23 (UTC).');
    expect(screen.queryByTestId('audit-chart-table')).toBeNull();
  });

  it('beyond a quarter, one bar per week (Monday to Sunday, clipped to the range), the totals kept', () => {
    const days = [none('2026-01-01', 1), none('2026-01-04', 2), none('2026-01-05', 4), labelled('2026-06-30', 8)];
    renderIn(<AuditChart days={days} from="2026-01-01" to="2026-06-30" today="2026-11-23" />);
    expect(screen.getByTestId('audit-chart').dataset.grain).toBe('week');
    const rows = tableRows();
    // 2026-01-01 is a Thursday: the first week is Thursday to Sunday.
    expect(rows[0]).toEqual(['2026-01-01 – 2026-01-04', '3', '0', '3']);
    expect(rows[1]).toEqual(['2026-01-05 – 2026-01-11', '4', '0', '4']);
    expect(rows.at(-1)).toEqual(['2026-06-29 – 2026-06-30', '0', '8', '8']);
    expect(rows.length).toBe(27);
    expect(rows.reduce((n, r) => n + Number(r.at(-1)), 0)).toBe(15);
    expect(screen.getByTestId('audit-chart').querySelector('h3')?.textContent).toBe(en.review.audit.chartTitleWeek);
    expect(screen.getByTestId('audit-chart-table').querySelector('th')?.textContent).toBe(en.review.audit.week);
  });

  it('beyond two years, one bar per month; beyond ten, it asks for a shorter range', () => {
    renderIn(<AuditChart days={[none('2020-02-29', 2), none('2020-03-01', 3)]} from="2020-01-15" to="2023-06-30" today="2026-11-23" />);
    expect(screen.getByTestId('audit-chart').dataset.grain).toBe('month');
    const rows = tableRows();
    expect(rows.length).toBe(42);
    expect(rows.slice(0, 3)).toEqual([
      ['2020-01', '0', '0'],
      ['2020-02', '2', '2'],
      ['2020-03', '3', '3'],
    ]);
    cleanup();
    renderIn(<AuditChart days={[none('2000-01-01', 1)]} from="1990-01-01" to="2026-01-01" today="2026-11-23" />, 'fr');
    expect(screen.getByTestId('audit-chart-too-long').textContent).toContain('du 1990-01-01 au 2026-01-01');
    expect(screen.queryByTestId('audit-chart-table')).toBeNull();
  });

  it('in French: the title, the column and the description', () => {
    renderIn(<AuditChart days={[none('2026-11-23', 2)]} from="2026-11-22" to="2026-11-23" today="2026-11-23" />, 'fr');
    expect(screen.getByTestId('audit-chart').querySelector('h3')?.textContent).toBe(fr.review.audit.chartTitle);
    expect(screen.getByTestId('audit-chart-table').querySelector('th')?.textContent).toBe('Jour (UTC)');
    expect(screen.getByTestId('audit-chart').querySelector('desc')?.textContent).toBe('2 jours du 2026-11-22 au 2026-11-23 (UTC) : 2 événements ; le tableau donne les mêmes chiffres.');
  });
});

describe('audit view: the chart follows the filter', () => {
  it('applying from/to draws those days from audit.counts, with the empty ones', async () => {
    const { api } = fakeApi({
      'display.context': () => ({ language: 'en', viewer: { standing: 'in_force', credential: null, clearance: null, ceiling: null, sessionMode: 'normal', cap: null }, policies: [nato] }),
      'audit.counts': (input) => ({ days: input.from === undefined ? [] : [none('2026-03-01', 30), labelled('2026-03-03', 10)] }),
      'audit.page': () => ({ entries: [], next: null }),
    });
    renderIn(<AuditView api={api} />);
    fireEvent.change(await screen.findByTestId('audit-from'), { target: { value: '2026-03-01' } });
    fireEvent.change(screen.getByTestId('audit-to'), { target: { value: '2026-03-04' } });
    fireEvent.click(screen.getByTestId('audit-apply'));
    await waitFor(() => expect(tableRows().length).toBe(4));
    expect(tableRows()).toEqual([
      ['2026-03-01', '30', '0', '30'],
      ['2026-03-02', '0', '0', '0'],
      ['2026-03-03', '0', '10', '10'],
      ['2026-03-04', '0', '0', '0'],
    ]);
  });
});

describe('audit days', () => {
  const day = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }).map((ms) => new Date(ms).toISOString().slice(0, 10));

  it('the bars cover the range exactly, in order, without gap or overlap, and each day falls in one', () => {
    fc.assert(
      fc.property(day, day, (a, b) => {
        const range = chartRange(a, b, '2026-11-23');
        const cal = calendar(range);
        if (cal.tooLong) return;
        expect(cal.buckets[0]!.first).toBe(range.from);
        expect(cal.buckets.at(-1)!.last).toBe(range.to);
        cal.buckets.forEach((bucket, i) => {
          expect(bucket.first <= bucket.last).toBe(true);
          if (i > 0) expect(bucket.first).toBe(addDays(cal.buckets[i - 1]!.last, 1));
        });
        expect(cal.buckets.length).toBeLessThanOrEqual(Math.max(MAX_DAILY, MAX_WEEKLY, 120));
        expect(bucketOf(cal.buckets, range.from)).toBe(0);
        expect(bucketOf(cal.buckets, range.to)).toBe(cal.buckets.length - 1);
        expect(bucketOf(cal.buckets, addDays(range.to, 1))).toBe(-1);
        expect(bucketOf(cal.buckets, addDays(range.from, -1))).toBe(-1);
      }),
    );
  });

  it('a day by day chart up to a quarter, by week beyond', () => {
    expect(calendar({ from: '2026-01-01', to: addDays('2026-01-01', MAX_DAILY - 1) }).grain).toBe('day');
    expect(calendar({ from: '2026-01-01', to: addDays('2026-01-01', MAX_DAILY) }).grain).toBe('week');
  });

  it('ignores days not of the form the filter accepts', () => {
    expect(chartRange('2026-02-30', 'soon', '2026-11-23')).toEqual({ from: '2026-10-24', to: '2026-11-23' });
    expect(chartRange('2026-13-01', '', '2026-11-23')).toEqual({ from: '2026-10-24', to: '2026-11-23' });
  });
});
