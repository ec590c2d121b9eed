import { readFileSync, rmSync, statSync } from 'node:fs';
import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import { fsyncDir, writeFileAtomic } from '../store/atomic-file';
import { dirname } from 'node:path';

/**
 * Slows down passphrase guessing through the app: after FREE_FAILURES wrong passphrases in a row, each
 * further attempt must wait 1 s, 2 s, 4 s… up to MAX_DELAY_MS after the last failure. The counter lives in
 * a sidecar file (not in keystore.json, which is only rewritten on passphrase change) so restarting the
 * app does not reset it. It is a brake on someone at the keyboard; against a copied keystore.json only
 * the Argon2id parameters count, and docs/TRUST.md says so.
 *
 * An attempt made too early is refused without running the KDF (`passphrase_throttled`), rather than
 * made to wait: the UI can show a countdown and nothing hangs.
 */
export const FREE_FAILURES = 3;
export const MAX_DELAY_MS = 5 * 60_000;
const MAX_FILE_BYTES = 4096;

export interface Clock {
  /** Wall-clock milliseconds since the epoch (persisted, so it must survive restarts: not monotonic). */
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

const AttemptsFile = z.strictObject({
  version: z.literal(1),
  failures: z.number().int().min(0).max(1_000_000),
  lastFailureAt: z.number().int().min(0),
});
type Attempts = z.infer<typeof AttemptsFile>;

/** Delay owed after `failures` consecutive failures: 0,0,0,1 s,2 s,4 s,… capped. */
export function delayAfter(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  const exponent = Math.min(failures - FREE_FAILURES - 1, 30);
  return Math.min(1000 * 2 ** exponent, MAX_DELAY_MS);
}

/** A refused unlock: wrong passphrase, or too early after repeated wrong ones. */
export class UnlockRefusedError extends EntenteError {
  readonly failures: number;
  /** How long the next attempt must wait; 0 when it may be made at once. */
  readonly retryAfterMs: number;
  constructor(code: 'passphrase_wrong' | 'passphrase_throttled', message: string, failures: number, retryAfterMs: number) {
    super(code, message);
    this.name = 'UnlockRefusedError';
    this.failures = failures;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface ThrottleStatus {
  failures: number;
  retryAfterMs: number;
}

export class UnlockThrottle {
  private lastReadDamaged = false;

  constructor(
    private readonly path: string,
    private readonly clock: Clock,
  ) {}

  status(): ThrottleStatus {
    const a = this.read();
    return { failures: a.failures, retryAfterMs: this.remaining(a) };
  }

  /**
   * The wrong passphrases since the last successful unlock, for the audit history: the database is
   * locked when they happen, so the next unlock records them (main/audit/session.ts) before `success`
   * clears the counter.
   */
  pending(): { failures: number; lastFailureAt: number; damaged: boolean } {
    this.lastReadDamaged = false;
    const a = this.read();
    return { failures: a.failures, lastFailureAt: a.lastFailureAt, damaged: this.lastReadDamaged };
  }

  /** Throws `passphrase_throttled` when an attempt now would come too early. */
  check(): void {
    const a = this.read();
    const wait = this.remaining(a);
    if (wait > 0) {
      throw new UnlockRefusedError('passphrase_throttled', `Too many wrong passphrases; try again in ${Math.ceil(wait / 1000)} s.`, a.failures, wait);
    }
  }

  /** Records a wrong passphrase and returns the error to throw. */
  failure(): UnlockRefusedError {
    const prev = this.read();
    const next: Attempts = { version: 1, failures: Math.min(prev.failures + 1, 1_000_000), lastFailureAt: this.clock.now() };
    writeFileAtomic(this.path, JSON.stringify(next));
    const wait = delayAfter(next.failures);
    const suffix = wait > 0 ? ` Wait ${Math.ceil(wait / 1000)} s before the next attempt.` : '';
    return new UnlockRefusedError('passphrase_wrong', `The passphrase is wrong.${suffix}`, next.failures, wait);
  }

  success(): void {
    try {
      statSync(this.path);
    } catch {
      return; // nothing recorded: no write on the common path
    }
    rmSync(this.path, { force: true });
    fsyncDir(dirname(this.path));
  }

  private remaining(a: Attempts): number {
    const elapsed = this.clock.now() - a.lastFailureAt;
    // A clock set back must not shorten the wait; treat "failure in the future" as "failure just now".
    if (elapsed < 0) {
      writeFileAtomic(this.path, JSON.stringify({ ...a, lastFailureAt: this.clock.now() }));
      return delayAfter(a.failures);
    }
    return Math.max(0, delayAfter(a.failures) - elapsed);
  }

  /**
   * A missing file means no failures. A damaged or oversized one is read as the maximum delay from its
   * last modification, so deleting content (but not the file) cannot be used to skip the brake.
   */
  private read(): Attempts {
    let text: string;
    let mtime = 0;
    try {
      const st = statSync(this.path);
      mtime = Math.floor(st.mtimeMs);
      if (!st.isFile() || st.size > MAX_FILE_BYTES) return this.damaged(mtime);
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, failures: 0, lastFailureAt: 0 };
      return this.damaged(mtime);
    }
    try {
      const parsed = AttemptsFile.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // invalid JSON: same as an invalid shape
    }
    return this.damaged(mtime);
  }

  private damaged(mtime: number): Attempts {
    this.lastReadDamaged = true;
    let failures = FREE_FAILURES + 1;
    while (delayAfter(failures) < MAX_DELAY_MS) failures += 1;
    return { version: 1, failures, lastFailureAt: Math.min(mtime, this.clock.now()) };
  }
}
