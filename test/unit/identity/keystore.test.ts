import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KDF_PARAMS } from '../../../main/crypto/sodium';
import { createProfile, openKeystore } from '../../../main/identity/keystore';
import { passphraseBytes } from '../../../main/identity/passphrase';
import { getMeta, setMeta } from '../../../main/store/meta';
import { EntenteError } from '../../../shared/errors';
import { TEST_KDF, WRONG, newProfile, passphrase, snapshot } from '../../helpers/profile';
import { tempDir } from '../../helpers/tmp';

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (err instanceof EntenteError) return err.code;
    throw err;
  }
  throw new Error('expected an EntenteError');
}

describe('profile keystore', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dir: string;
  beforeEach(() => {
    tmp = tempDir();
    dir = join(tmp.path, 'officers', 'alice');
  });
  afterEach(() => tmp.remove());

  it('creates, locks, unlocks and keeps data across the round trip', async () => {
    const created = await newProfile(dir);
    expect(created.isLocked).toBe(false);
    expect(getMeta(created.db, 'profile.created_at')).toMatch(/^\d{4}-\d\d-\d\dT/);
    setMeta(created.db, 'note', 'kept');
    created.lock();
    expect(created.isLocked).toBe(true);

    const ks = openKeystore(dir);
    const profile = await ks.unlock(passphrase());
    expect(getMeta(profile.db, 'note')).toBe('kept');
    expect(profile.timings.kdfMs).toBeGreaterThan(0);
    expect(profile.timings.totalMs).toBeGreaterThanOrEqual(profile.timings.kdfMs + profile.timings.openMs);
    expect(ks.info()).toEqual({ kdf: TEST_KDF, protectedBy: null, hasAuditCheckpoint: false });
    profile.lock();
  });

  it('lists exactly the documented files, with 0600 files and a 0700 folder', async () => {
    (await newProfile(dir)).lock();
    expect(readdirSync(dir).sort()).toEqual(['keystore.json', 'profile.db']);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
  });

  it('forces the folder to 0700 even when it already exists with a looser mode', async () => {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    (await newProfile(dir)).lock();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('makes the handle unusable after lock, and lock is idempotent', async () => {
    const profile = await newProfile(dir);
    const held = profile.holdSecret(new Uint8Array([1, 2, 3]));
    let handlerRan = false;
    profile.onLock(() => (handlerRan = true));
    profile.lock();
    profile.lock();
    expect(handlerRan).toBe(true);
    expect([...held]).toEqual([0, 0, 0]);
    expect(await codeOf(() => getMeta(profile.db, 'note'))).toBe('profile_locked');
    expect(await codeOf(() => profile.db.connection)).toBe('profile_locked');
  });

  it('refuses to create over an existing profile, leaving it byte-identical', async () => {
    (await newProfile(dir)).lock();
    const before = snapshot(dir);
    expect(await codeOf(newProfile(dir))).toBe('keystore_exists');
    expect(await codeOf(createProfile(dir, passphraseBytes('another'), { kdf: TEST_KDF }))).toBe('keystore_exists');
    expect(snapshot(dir)).toEqual(before);
    const p = await openKeystore(dir).unlock(passphrase());
    p.lock();
  });

  it.each(['keystore.json', 'profile.db', 'profile.db-journal'])('refuses to create where a stray %s exists', async (name) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), 'precious');
    expect(await codeOf(newProfile(dir))).toBe('keystore_exists');
    expect(readdirSync(dir)).toEqual([name]);
    expect(readFileSync(join(dir, name), 'utf8')).toBe('precious');
  });

  it('refuses a non-empty folder that is not a profile, without changing its mode', async () => {
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(await codeOf(newProfile(dir))).toBe('invalid_input');
    expect(statSync(dir).mode & 0o777).toBe(0o755);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('rejects a wrong passphrase with passphrase_wrong and then still opens with the right one', async () => {
    (await newProfile(dir)).lock();
    const ks = openKeystore(dir);
    const before = snapshot(dir);
    expect(await codeOf(ks.unlock(WRONG()))).toBe('passphrase_wrong');
    expect(await codeOf(ks.unlock(passphraseBytes(' correct horse battery staple – été')))).toBe('passphrase_wrong');
    // The files that matter are untouched; only the failure counter appeared.
    const after = snapshot(dir);
    expect(after.get('/keystore.json')).toBe(before.get('/keystore.json'));
    expect(after.get('/profile.db')).toBe(before.get('/profile.db'));
    (await ks.unlock(passphrase())).lock();
    expect(ks.throttleStatus()).toEqual({ failures: 0, retryAfterMs: 0 });
  });

  it('accepts the passphrase whatever its Unicode normalisation', async () => {
    (await newProfile(dir)).lock();
    const decomposed = 'correct horse battery staple – e\u0301te\u0301';
    (await openKeystore(dir).unlock(passphraseBytes(decomposed))).lock();
  });

  it('refuses empty and oversized passphrases as invalid input', async () => {
    expect(await codeOf(createProfile(dir, new Uint8Array(0), { kdf: TEST_KDF }))).toBe('invalid_input');
    expect(await codeOf(createProfile(dir, new Uint8Array(1025).fill(65), { kdf: TEST_KDF }))).toBe('invalid_input');
  });

  it('refuses KDF parameters below INTERACTIVE or above the bounds', async () => {
    expect(await codeOf(createProfile(dir, passphrase(), { kdf: { opslimit: 1, memlimit: KDF_PARAMS.INTERACTIVE.memlimit } }))).toBe('invalid_input');
    expect(await codeOf(createProfile(dir, passphrase(), { kdf: { opslimit: 2, memlimit: 8 * 1024 * 1024 } }))).toBe('invalid_input');
    expect(await codeOf(createProfile(dir, passphrase(), { kdf: { opslimit: 2, memlimit: 4 * 1024 ** 3 } }))).toBe('invalid_input');
  });

  it('changes the passphrase by re-wrapping only: the database file is untouched', async () => {
    (await newProfile(dir)).lock();
    const dbBefore = readFileSync(join(dir, 'profile.db'));
    const wrapBefore = JSON.parse(readFileSync(join(dir, 'keystore.json'), 'utf8'));
    const ks = openKeystore(dir);
    const next = passphraseBytes('a new and different passphrase');

    expect(await codeOf(ks.changePassphrase(WRONG(), next))).toBe('passphrase_wrong');
    await ks.changePassphrase(passphrase(), next);

    expect(readFileSync(join(dir, 'profile.db')).equals(dbBefore)).toBe(true);
    const wrapAfter = JSON.parse(readFileSync(join(dir, 'keystore.json'), 'utf8'));
    expect(wrapAfter.kdf.salt).not.toBe(wrapBefore.kdf.salt);
    expect(wrapAfter.wrap.nonce).not.toBe(wrapBefore.wrap.nonce);
    expect(wrapAfter.kdf.opslimit).toBe(TEST_KDF.opslimit);
    expect(statSync(join(dir, 'keystore.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    expect(await codeOf(ks.unlock(passphrase()))).toBe('passphrase_wrong');
    const p = await ks.unlock(passphraseBytes('a new and different passphrase'));
    expect(getMeta(p.db, 'profile.created_at')).not.toBeNull();
    p.lock();
  });

  it('can raise the KDF cost when changing the passphrase', async () => {
    (await newProfile(dir)).lock();
    const ks = openKeystore(dir);
    const stronger = { opslimit: 3, memlimit: KDF_PARAMS.INTERACTIVE.memlimit };
    await ks.changePassphrase(passphrase(), passphrase('next one'), stronger);
    expect(ks.info().kdf).toEqual(stronger);
    (await ks.unlock(passphrase('next one'))).lock();
  });

  it('creates with MODERATE parameters by default', async () => {
    const profile = await createProfile(dir, passphrase(), { onWarning: () => {} });
    profile.lock();
    expect(openKeystore(dir).info().kdf).toEqual(KDF_PARAMS.MODERATE);
  }, 60_000);

  it('reports a missing profile', async () => {
    expect(await codeOf(openKeystore(dir).unlock(passphrase()))).toBe('keystore_missing');
  });

  it('serialises concurrent wrong attempts so each one is counted', async () => {
    (await newProfile(dir)).lock();
    const ks = openKeystore(dir);
    const results = await Promise.allSettled([ks.unlock(WRONG()), ks.unlock(WRONG())]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(ks.throttleStatus().failures).toBe(2);
  });
});
