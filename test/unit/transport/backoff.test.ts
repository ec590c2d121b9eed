import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay } from '../../../main/transport/backoff';
import { TokenBucket } from '../../../main/transport/token-bucket';

describe('reconnection backoff (full jitter)', () => {
  it('stays within [0, min(max, base·2^attempt)) whatever the attempt and the draw', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 10_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const d = backoffDelay(attempt, { baseMs: 250, maxMs: 30_000 }, () => r);
        const ceiling = Math.min(30_000, 250 * 2 ** Math.min(Math.max(attempt, 0), 30));
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(ceiling);
      }),
    );
  });

  it('doubles the ceiling per attempt up to the cap, and spreads draws over the whole interval', () => {
    const top = (a: number) => backoffDelay(a, { baseMs: 100, maxMs: 1000 }, () => 0.99999);
    expect([0, 1, 2, 3, 4, 5].map(top)).toEqual([99, 199, 399, 799, 999, 999]);
    const draws = Array.from({ length: 2000 }, () => backoffDelay(3, { baseMs: 100, maxMs: 1000 }));
    expect(Math.min(...draws)).toBeLessThan(100);
    expect(Math.max(...draws)).toBeGreaterThan(700);
  });
});

describe('token bucket', () => {
  it('allows a burst, then refills at the rate', () => {
    const clock = { now: 0 };
    const b = new TokenBucket(10, 3, () => clock.now);
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    expect(b.waitMs()).toBe(100);
    clock.now += 100;
    expect([b.take(), b.take()]).toEqual([true, false]);
    clock.now += 10_000;
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
  });

  it('refuses nonsense parameters', () => {
    expect(() => new TokenBucket(0, 1)).toThrow();
    expect(() => new TokenBucket(1, 0)).toThrow();
  });
});
