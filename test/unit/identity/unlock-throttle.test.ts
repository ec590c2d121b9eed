import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openKeystore } from '../../../main/identity/keystore';
import { MAX_DELAY_MS, UnlockRefusedError, delayAfter } from '../../../main/identity/unlock-throttle';
import { FakeClock, WRONG, copyProfile, newProfile, passphrase } from '../../helpers/profile';
import { TestKeyProtector } from '../../helpers/key-protector';
import { tempDir } from '../../helpers/tmp';

async function refusal(p: Promise<unknown>): Promise<UnlockRefusedError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof UnlockRefusedError) return err;
    throw err;
  }
  throw new Error('expected the unlock to be refused');
}

describe('delay schedule', () => {
  it('is free for three failures, then doubles from one second, capped', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(delayAfter)).toEqual([0, 0, 0, 0, 1000, 2000, 4000, 8000]);
    expect(delayAfter(12)).toBe(256_000);
    expect(delayAfter(13)).toBe(MAX_DELAY_MS);
    expect(delayAfter(1_000_000)).toBe(MAX_DELAY_MS);
  });
});

describe('unlock throttling', () => {
  let tmp: ReturnType<typeof tempDir>;
  let pristine: string;
  let dir: string;
  let clock: FakeClock;
  let protector: TestKeyProtector;
  let n = 0;

  beforeAll(async () => {
    tmp = tempDir();
    pristine = join(tmp.path, 'pristine');
    protector = new TestKeyProtector();
    (await newProfile(pristine, { protector })).lock();
  });
  afterAll(() => tmp.remove());
  beforeEach(() => {
    dir = join(tmp.path, `case-${(n += 1)}`);
    copyProfile(pristine, dir);
    clock = new FakeClock();
    protector.calls = { protect: 0, unprotect: 0 };
  });

  const keystore = () => openKeystore(dir, { clock, protector });

  it('grows the delay after repeated failures and refuses early attempts without trying them', async () => {
    const ks = keystore();
    for (let i = 1; i <= 3; i++) {
      const e = await refusal(ks.unlock(WRONG()));
      expect([e.code, e.failures, e.retryAfterMs]).toEqual(['passphrase_wrong', i, 0]);
    }
    const fourth = await refusal(ks.unlock(WRONG()));
    expect([fourth.code, fourth.failures, fourth.retryAfterMs]).toEqual(['passphrase_wrong', 4, 1000]);
    expect(fourth.message).toMatch(/Wait 1 s/);

    // Too early: refused before the keystore is even unwrapped (the protector is never asked).
    const attemptsSoFar = protector.calls.unprotect;
    clock.advance(400);
    const early = await refusal(ks.unlock(passphrase()));
    expect([early.code, early.retryAfterMs]).toEqual(['passphrase_throttled', 600]);
    expect(protector.calls.unprotect).toBe(attemptsSoFar);

    clock.advance(600);
    expect((await refusal(ks.unlock(WRONG()))).retryAfterMs).toBe(2000);
    clock.advance(2000);
    expect((await refusal(ks.unlock(WRONG()))).retryAfterMs).toBe(4000);
    clock.advance(3999);
    expect((await refusal(ks.unlock(passphrase()))).code).toBe('passphrase_throttled');
    clock.advance(1);
    (await ks.unlock(passphrase())).lock();
    expect(ks.throttleStatus()).toEqual({ failures: 0, retryAfterMs: 0 });
  });

  it('persists the counter across keystore instances (an app restart does not reset it)', async () => {
    for (let i = 0; i < 5; i++) {
      await refusal(keystore().unlock(WRONG()));
      clock.advance(delayAfter(i + 1));
    }
    clock.advance(-delayAfter(5));
    const restarted = keystore();
    expect(restarted.throttleStatus()).toEqual({ failures: 5, retryAfterMs: 2000 });
    expect((await refusal(restarted.unlock(passphrase()))).code).toBe('passphrase_throttled');
    const saved = JSON.parse(readFileSync(join(dir, 'unlock-attempts.json'), 'utf8'));
    expect(saved).toEqual({ version: 1, failures: 5, lastFailureAt: clock.now() });
    expect(statSync(join(dir, 'unlock-attempts.json')).mode & 0o777).toBe(0o600);
  });

  it('counts wrong current passphrases given to changePassphrase too', async () => {
    const ks = keystore();
    for (let i = 0; i < 4; i++) await refusal(ks.changePassphrase(WRONG(), passphrase('new')));
    expect((await refusal(ks.changePassphrase(passphrase(), passphrase('new')))).code).toBe('passphrase_throttled');
  });

  it('does not let a clock set back shorten the wait', async () => {
    const ks = keystore();
    for (let i = 0; i < 4; i++) await refusal(ks.unlock(WRONG()));
    clock.advance(-3_600_000);
    expect(ks.throttleStatus().retryAfterMs).toBe(1000);
    clock.advance(999);
    expect((await refusal(ks.unlock(passphrase()))).code).toBe('passphrase_throttled');
    clock.advance(1);
    (await ks.unlock(passphrase())).lock();
  });

  it.each([
    ['garbage', 'not json at all'],
    ['a lowered counter of the wrong shape', JSON.stringify({ version: 1, failures: -1, lastFailureAt: 0 })],
    ['an oversized file', 'x'.repeat(10_000)],
  ])('reads a damaged counter (%s) as the maximum delay', async (_what, content) => {
    writeFileSync(join(dir, 'unlock-attempts.json'), content, { mode: 0o600 });
    const ks = openKeystore(dir, { clock: { now: () => Date.now() }, protector });
    const status = ks.throttleStatus();
    expect(status.retryAfterMs).toBeGreaterThan(MAX_DELAY_MS - 5_000);
    expect((await refusal(ks.unlock(passphrase()))).code).toBe('passphrase_throttled');
  });

  it('a wrong passphrase does not alter keystore.json or profile.db', async () => {
    const before = [readFileSync(join(dir, 'keystore.json')), readFileSync(join(dir, 'profile.db'))];
    for (let i = 0; i < 5; i++) {
      await refusal(keystore().unlock(WRONG()));
      clock.advance(60_000);
    }
    expect(readFileSync(join(dir, 'keystore.json')).equals(before[0] as Buffer)).toBe(true);
    expect(readFileSync(join(dir, 'profile.db')).equals(before[1] as Buffer)).toBe(true);
  });
});
