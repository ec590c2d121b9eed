import { EntenteError } from '../../shared/errors';
import type { OpenSession } from './session';

/**
 * The one session the app may hold at a time, and the auto-lock. Opening, closing and locking are
 * serialised (an unlock takes a second of Argon2id; a second click must not open two profiles).
 * The deadline is checked at every call as well as by a timer: a laptop that slept past it locks on
 * the first call after waking, before answering anything.
 */
export class SessionHolder {
  #current: OpenSession | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  readonly #now: () => number;
  readonly #onAutoLock: (profileId: string) => void;

  constructor(now: () => number, onAutoLock: (profileId: string) => void = () => {}) {
    this.#now = now;
    this.#onAutoLock = onAutoLock;
  }

  /** The open session, or null (locking it first when its deadline passed). */
  async current(): Promise<OpenSession | null> {
    const s = this.#current;
    if (s !== null && s.expired()) {
      await this.serialised(async () => {
        if (this.#current === s) await this.#close('auto');
      });
      return this.#current;
    }
    return s;
  }

  /** The open session as it stands, deadline not checked (for use within serialised()). */
  peek(): OpenSession | null {
    return this.#current;
  }

  /** The open session; profile_locked when there is none. */
  async require(): Promise<OpenSession> {
    const s = await this.current();
    if (s === null) throw new EntenteError('profile_locked', 'No profile is unlocked; unlock one first.');
    return s;
  }

  /** Runs `fn` alone: no other open, close or auto-lock in between. */
  serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Within serialised(): makes `session` the open one (the caller closed any other first). */
  adopt(session: OpenSession): void {
    this.#current = session;
    this.arm();
  }

  /** Within serialised(): closes the open session, if any. */
  closeCurrent(): Promise<void> {
    return this.#close('asked');
  }

  /** (Re)sets the timer to the open session's deadline. */
  arm(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const s = this.#current;
    if (s === null) return;
    // Timers hold at most ~24.8 days; the check at each call covers anything beyond.
    const delay = Math.min(Math.max(0, s.autoLockAt - this.#now()), 2 ** 31 - 1);
    this.#timer = setTimeout(() => void this.current().then(() => this.arm(), () => undefined), delay + 50);
    this.#timer.unref();
  }

  async #close(why: 'asked' | 'auto'): Promise<void> {
    const s = this.#current;
    this.#current = null;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (s === null) return;
    await s.close();
    if (why === 'auto') this.#onAutoLock(s.profileId);
  }
}
