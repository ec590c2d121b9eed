import { EntenteError } from '../../shared/errors';
import type { MessagingContext } from './context';
import { SyncSession } from './sync';
import type { SyncOptions, SyncReport } from './sync-types';

export interface SyncOnceOptions extends SyncOptions {
  /** After catching up, wait this long for more deliveries and receipts, then catch up again. */
  waitMs?: number;
  connectTimeoutMs?: number;
  /** For each of flush and drain; default 2 minutes. */
  stepTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new EntenteError('transport_timeout', `the relay did not ${what} in time`)), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One catch-up with the relay, for a command: connect, publish, read the directory, flush the outbox,
 * take deliveries and receipts until the relay says nothing more is waiting, optionally wait `waitMs`
 * and catch up again, close. What the relay did not confirm stays queued for the next sync.
 */
export async function syncOnce(ctx: MessagingContext, options: SyncOnceOptions): Promise<SyncReport> {
  const session = new SyncSession(ctx, options);
  const step = options.stepTimeoutMs ?? 120_000;
  try {
    await session.connect({ timeoutMs: options.connectTimeoutMs ?? 15_000, attempts: 3 });
    await session.publishOwn();
    await session.pullDirectory();
    session.receive();
    await within(session.flush(), step, 'store the outbox');
    await session.drained(step);
    if ((options.waitMs ?? 0) > 0) {
      await sleep(options.waitMs ?? 0);
      await within(session.flush(), step, 'store the outbox');
      await session.drained(step);
    }
    return session.report();
  } finally {
    await session.close();
  }
}
