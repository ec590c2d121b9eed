import { rmSync } from 'node:fs';
import { EntenteError } from '../../shared/errors';
import { KDF_BOUNDS, KDF_PARAMS, randomBytes, sodiumReady, wipe, type KdfParamSet, type KdfParams } from '../crypto/sodium';
import { writeFileAtomic } from '../store/atomic-file';
import { DATABASE_KEY_BYTES, openEncryptedDatabase, type EncryptedDatabase } from '../store/database';
import { setMeta } from '../store/meta';
import type { KeyProtector } from './key-protector';
import { unwrapKey, wrapKey } from './key-wrap';
import { protectorOf, readKeystoreFile, serialiseKeystore, type KeystoreFile } from './keystore-file';
import { checkPassphrase } from './passphrase';
import { Profile } from './profile';
import { checkProfilePermissions, prepareNewProfileDir, profilePaths, restrictFile, type ProfilePaths } from './profile-files';
import { UnlockThrottle, systemClock, type Clock, type ThrottleStatus } from './unlock-throttle';

export interface KeystoreOptions {
  /** Needed to unlock a profile created with a second wrap; ignored otherwise. */
  protector?: KeyProtector;
  clock?: Clock;
  /** Non-fatal findings (a profile file readable by others, now fixed). Default: console.warn. */
  onWarning?: (message: string) => void;
}

/** With `protector` set, create wraps the key with the passphrase AND the protector (a second wrap). */
export interface CreateProfileOptions extends KeystoreOptions {
  /** Argon2id cost; default MODERATE (~1 s). Tests use INTERACTIVE. */
  kdf?: KdfParamSet | KdfParams;
}

export interface KeystoreInfo {
  kdf: KdfParams;
  protectedBy: string | null;
  hasAuditCheckpoint: boolean;
}

/**
 * Creates a profile in `dir` (made 0700, parents created as needed) and returns it unlocked.
 * Refuses a folder that is not new or empty. The caller keeps and wipes `passphrase`.
 *
 * Order matters for crash safety: the database is created first (exclusively: it also serves as the
 * lock against a concurrent create), keystore.json last. A crash in between leaves a database nobody
 * can open and no keystore; unlock then reports `keystore_missing` and create refuses the folder, so
 * nothing is lost that existed before.
 */
export async function createProfile(dir: string, passphrase: Uint8Array, options: CreateProfileOptions = {}): Promise<Profile> {
  checkPassphrase(passphrase);
  const params = resolveKdf(options.kdf ?? 'MODERATE');
  const protector = options.protector ?? null;
  await sodiumReady();
  const started = performance.now();
  const paths = profilePaths(dir);
  prepareNewProfileDir(paths);

  const dbKey = randomBytes(DATABASE_KEY_BYTES);
  let db: EncryptedDatabase | null = null;
  try {
    const t0 = performance.now();
    db = openEncryptedDatabase(paths.database, dbKey, { mode: 'create' });
    const openMs = performance.now() - t0;
    setMeta(db, 'profile.created_at', new Date((options.clock ?? systemClock).now()).toISOString());
    const file = await wrapKey(dbKey, passphrase, params, protector);
    writeKeystore(paths, file);
    return new Profile(dir, db, { kdfMs: 0, openMs, totalMs: performance.now() - started });
  } catch (err) {
    if (db !== null) {
      db.close();
      removeFailedCreate(paths);
    }
    throw err;
  } finally {
    wipe(dbKey);
  }
}

/** The profile in `dir`, not yet unlocked. Reads nothing until asked. */
export function openKeystore(dir: string, options: KeystoreOptions = {}): Keystore {
  return new Keystore(dir, options);
}

export class Keystore {
  readonly paths: ProfilePaths;
  private readonly options: KeystoreOptions;
  private readonly throttle: UnlockThrottle;
  /** Serialises attempts in this process, so two concurrent wrong guesses are both counted. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dir: string, options: KeystoreOptions) {
    this.paths = profilePaths(dir);
    this.options = options;
    this.throttle = new UnlockThrottle(this.paths.attempts, options.clock ?? systemClock);
  }

  info(): KeystoreInfo {
    const file = this.readChecked();
    return { kdf: { opslimit: file.kdf.opslimit, memlimit: file.kdf.memlimit }, protectedBy: protectorOf(file), hasAuditCheckpoint: file.auditCheckpoint !== undefined };
  }

  throttleStatus(): ThrottleStatus {
    return this.throttle.status();
  }

  /**
   * Unwraps the database key and opens the database. Errors: `passphrase_wrong`/`passphrase_throttled`
   * (an UnlockRefusedError with `retryAfterMs`), `keystore_*`, `database_*`, `profile_insecure`.
   * Nothing in the profile is written on any failure except the wrong-passphrase counter.
   */
  unlock(passphrase: Uint8Array): Promise<Profile> {
    return this.serialised(async () => {
      const started = performance.now();
      const { key, kdfMs } = await this.unwrap(passphrase);
      try {
        const t0 = performance.now();
        const db = this.openDatabase(key);
        const openMs = performance.now() - t0;
        return new Profile(this.paths.dir, db, { kdfMs, openMs, totalMs: performance.now() - started });
      } finally {
        wipe(key);
      }
    });
  }

  /** Re-wraps the same database key under `next` (fresh salt and nonce). The database is not touched. */
  changePassphrase(current: Uint8Array, next: Uint8Array, kdf?: KdfParamSet | KdfParams): Promise<void> {
    checkPassphrase(next);
    return this.rewrap(current, (file) => ({ passphrase: next, params: kdf ? resolveKdf(kdf) : file.kdf, protector: this.currentProtector(file) }));
  }

  /** Adds (protector) or removes (null) the second wrap; needs the passphrase, which is kept. */
  setProtector(passphrase: Uint8Array, protector: KeyProtector | null): Promise<void> {
    return this.rewrap(passphrase, (file) => ({ passphrase, params: file.kdf, protector }));
  }

  private rewrap(current: Uint8Array, plan: (file: KeystoreFile) => { passphrase: Uint8Array; params: KdfParams; protector: KeyProtector | null }): Promise<void> {
    return this.serialised(async () => {
      const { key, file } = await this.unwrap(current);
      try {
        const p = plan(file);
        const params = resolveKdf({ opslimit: p.params.opslimit, memlimit: p.params.memlimit });
        const rewrapped = await wrapKey(key, p.passphrase, params, p.protector, file.auditCheckpoint);
        writeKeystore(this.paths, rewrapped);
      } finally {
        wipe(key);
      }
    });
  }

  private async unwrap(passphrase: Uint8Array): Promise<{ key: Uint8Array; kdfMs: number; file: KeystoreFile }> {
    checkPassphrase(passphrase);
    await sodiumReady();
    const file = this.readChecked();
    this.throttle.check();
    const result = await unwrapKey(file, passphrase, this.options.protector);
    if (!result.ok) throw this.throttle.failure();
    this.throttle.success();
    return { key: result.key, kdfMs: result.kdfMs, file };
  }

  private readChecked(): KeystoreFile {
    checkProfilePermissions(this.paths, this.options.onWarning ?? ((m) => console.warn(`entente: ${m}`)));
    return readKeystoreFile(this.paths.keystore);
  }

  private openDatabase(key: Uint8Array): EncryptedDatabase {
    try {
      return openEncryptedDatabase(this.paths.database, key, { mode: 'existing' });
    } catch (err) {
      // The key was authenticated by the wrap, so a database that rejects it was damaged or replaced.
      if (err instanceof EntenteError && err.code === 'database_key_rejected') {
        throw new EntenteError('database_corrupt', 'The profile database is damaged or is not the one this keystore belongs to; it was left untouched.', { cause: err });
      }
      throw err;
    }
  }

  private currentProtector(file: KeystoreFile): KeyProtector | null {
    const id = protectorOf(file);
    return id === null ? null : requireProtector(this.options.protector);
  }

  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function resolveKdf(kdf: KdfParamSet | KdfParams): KdfParams {
  const p = typeof kdf === 'string' ? KDF_PARAMS[kdf] : kdf;
  const { opslimit, memlimit } = KDF_BOUNDS;
  if (!p || !Number.isInteger(p.opslimit) || !Number.isInteger(p.memlimit) || p.opslimit < opslimit.min || p.opslimit > opslimit.max || p.memlimit < memlimit.min || p.memlimit > memlimit.max) {
    throw new EntenteError('invalid_input', `Argon2id parameters out of bounds (opslimit ${opslimit.min}–${opslimit.max}, memlimit ${memlimit.min}–${memlimit.max} bytes).`);
  }
  return { opslimit: p.opslimit, memlimit: p.memlimit };
}

function requireProtector(protector: KeyProtector | undefined): KeyProtector {
  if (protector === undefined) throw new EntenteError('keystore_protector_unavailable', "This profile's key is also protected by this computer's key store, which is not available here.");
  return protector;
}

function writeKeystore(paths: ProfilePaths, file: KeystoreFile): void {
  try {
    writeFileAtomic(paths.keystore, serialiseKeystore(file));
    restrictFile(paths.keystore);
  } catch (err) {
    throw new EntenteError('keystore_write_failed', 'keystore.json could not be written; the previous one, if any, is unchanged.', { cause: err });
  }
}

function removeFailedCreate(paths: ProfilePaths): void {
  // Only files this create made: the folder was checked free of them before anything was written.
  for (const p of [paths.database, paths.journal]) rmSync(p, { force: true });
}
