/**
 * Reconnection delays: exponential backoff with "full jitter" — a uniformly random wait between 0 and
 * min(max, base × 2^attempt). Randomising the whole interval spreads the reconnections of many clients
 * after a relay restart, instead of having them all come back in synchronised waves.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 30_000 };

export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  // 2^30 already exceeds any sensible cap; clamping the exponent keeps the arithmetic finite.
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.floor(random() * ceiling);
}
