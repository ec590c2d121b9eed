/**
 * The calendar the audit chart draws: a continuous run of UTC days (the days audit.counts groups by and
 * the table's times are written in), from the filter's range, else the 31 days ending today. A long
 * range is drawn by week, then by month, so the bars stay readable; beyond that the chart says so.
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** Days drawn when no range is set. */
export const DEFAULT_DAYS = 31;
/** Up to this many days, one bar per day (a quarter). */
export const MAX_DAILY = 92;
/** Up to this many weeks, one bar per week (two years); beyond, one per month. */
export const MAX_WEEKLY = 105;
/** Beyond this many months (ten years) the chart asks for a shorter range. */
export const MAX_MONTHLY = 120;

export type Grain = 'day' | 'week' | 'month';

/** One bar: the UTC days it covers, both included. */
export interface Bucket {
  first: string;
  last: string;
}

export interface Calendar {
  /** The whole range drawn, both days included. */
  from: string;
  to: string;
  /** Days in the range. */
  days: number;
  grain: Grain;
  /** The bars in order; empty when the range is too long to draw. */
  buckets: Bucket[];
  tooLong: boolean;
}

const toMs = (day: string): number => Date.parse(`${day}T00:00:00.000Z`);
const toDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const valid = (day: string): boolean => DAY.test(day) && !Number.isNaN(toMs(day)) && toDay(toMs(day)) === day;

/** Today as a UTC day. */
export function utcToday(now: number = Date.now()): string {
  return toDay(now);
}

/** The day `n` days after `day` (before, for a negative n). */
export function addDays(day: string, n: number): string {
  return toDay(toMs(day) + n * DAY_MS);
}

/** The Monday (UTC) of the week holding `day`: weeks run Monday to Sunday, as ISO 8601 has them. */
function mondayOf(day: string): string {
  const weekday = (new Date(toMs(day)).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

function monthEnd(day: string): string {
  const d = new Date(toMs(day));
  return toDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
}

/**
 * The range drawn: `from`..`to` when both are set; from `from` to today (or `from` itself, if later)
 * when only it is; the 31 days ending `to` (else today) otherwise. Days not of the form YYYY-MM-DD are
 * ignored, as the filter ignores them.
 */
export function chartRange(from: string, to: string, today: string): { from: string; to: string } {
  const hasFrom = valid(from);
  const hasTo = valid(to);
  if (hasFrom && hasTo) return from <= to ? { from, to } : { from: to, to: from };
  if (hasFrom) return { from, to: from > today ? from : today };
  const end = hasTo ? to : today;
  return { from: addDays(end, -(DEFAULT_DAYS - 1)), to: end };
}

/** The bars for a range: by day up to MAX_DAILY days, by week up to MAX_WEEKLY weeks, by month up to MAX_MONTHLY. */
export function calendar(range: { from: string; to: string }): Calendar {
  const { from, to } = range;
  const days = Math.round((toMs(to) - toMs(from)) / DAY_MS) + 1;
  const clip = (b: Bucket): Bucket => ({ first: b.first < from ? from : b.first, last: b.last > to ? to : b.last });
  if (days <= MAX_DAILY) {
    return { from, to, days, grain: 'day', buckets: Array.from({ length: days }, (_, i) => addDays(from, i)).map((d) => ({ first: d, last: d })), tooLong: false };
  }
  const weeks = Math.floor((toMs(mondayOf(to)) - toMs(mondayOf(from))) / (7 * DAY_MS)) + 1;
  if (weeks <= MAX_WEEKLY) {
    const start = mondayOf(from);
    return { from, to, days, grain: 'week', buckets: Array.from({ length: weeks }, (_, i) => clip({ first: addDays(start, 7 * i), last: addDays(start, 7 * i + 6) })), tooLong: false };
  }
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  const months = (ty - fy) * 12 + (tm - fm) + 1;
  if (months > MAX_MONTHLY) return { from, to, days, grain: 'month', buckets: [], tooLong: true };
  const buckets = Array.from({ length: months }, (_, i) => {
    const first = toDay(Date.UTC(fy, fm - 1 + i, 1));
    return clip({ first, last: monthEnd(first) });
  });
  return { from, to, days, grain: 'month', buckets, tooLong: false };
}

/** The bar a UTC day falls in (buckets in order, contiguous); -1 outside the range. */
export function bucketOf(buckets: readonly Bucket[], day: string): number {
  let lo = 0;
  let hi = buckets.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = buckets[mid]!;
    if (day < b.first) hi = mid - 1;
    else if (day > b.last) lo = mid + 1;
    else return mid;
  }
  return -1;
}
