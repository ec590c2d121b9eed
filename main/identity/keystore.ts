import { rmSync } from 'node:fs';
import { EntenteError } from '../../shared/errors';
import { KDF_BOUNDS, KDF_PARAMS, randomBytes, sodiumReady, wipe, type KdfParamSet, type KdfParams } from '../crypto/sodium';
import { writeFileAtomic } from '../store/atomic-file';
import { DATABASE_KEY_BYTES, openEncryptedDatabase, type EncryptedDatabase } from '../store/database';
import { setMeta } from '../store/meta';
import type { DeriveKey } from '../crypto/kdf-worker-client';
import type { KeyProtector } from './key-protector';
import { unwrapKey, wrapKey } from './key-wrap';
import { protectorOf, readKeystoreFile, serialiseKeystore, type AuditCheckpointSlot, type KeystoreFile } from './keystore-file';
import { checkPassphrase } from './passphrase';
import { Profile } from './profile';
import { checkProfilePermissions, prepareNewProfileDir, profilePaths, restrictFile, type ProfilePaths } from './profile-files';
import { UnlockThrottle, systemClock, type Clock, type ThrottleStatus } from './unlock-throttle';
import type { AuditLogOptions, CheckpointCopy } from '../audit/log';
import { openAuditLog, type WrapState } from '../audit/session';

export interface KeystoreOptions {
  /** Needed to unlock a profile created with a second wrap; ignored otherwise. */
  protector?: KeyProtector;
  clock?: Clock;
  /** Non-fatal findings (a profile file readable by others, now fixed). Default: console.warn. */
  onWarning?: (message: string) => void;
  /** The audit log's checkpoint interval (default 1,000 entries; docs/AUDIT.md). */
  audit?: { checkpointEvery?: number };
  /**
   * Runs Argon2id; default in this thread. The desktop app passes offThreadDeriveKey()
   * (main/crypto/kdf-worker-client.ts) so its main process stays responsive while it runs.
   */
  derive?: DeriveKey;
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
    const file = await wrapKey(dbKey, passphrase, params, protector, undefined, options.derive);
    const profile = new Profile(dir, db, { kdfMs: 0, openMs, totalMs: 0 });
    // The first audit entry is committed before keystore.json exists: a crash leaves no usable profile either way.
    openAuditLog(profile, auditOptions(paths, options), { kind: 'created', wrap: wrapState(file) });
    writeKeystore(paths, file);
    profile.timings.totalMs = performance.now() - started;
    return profile;
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
   * (an UnlockRefusedError with `retryAfterMs`), `keystore_*`, `database_*`, `profile_insecure`,
   * `audit_write_failed`. Nothing in the profile is written on any failure except the wrong-passphrase
   * counter. On success the audit log opens and records the unlock, with the wrong passphrases tried
   * since the last one (the counter is reset only once they are recorded).
   */
  unlock(passphrase: Uint8Array): Promise<Profile> {
    return this.serialised(async () => {
      const started = performance.now();
      const { key, kdfMs, file } = await this.unwrap(passphrase);
      try {
        const t0 = performance.now();
        const db = this.openDatabase(key);
        const openMs = performance.now() - t0;
        const profile = new Profile(this.paths.dir, db, { kdfMs, openMs, totalMs: 0 });
        try {
          openAuditLog(profile, auditOptions(this.paths, this.options), { kind: 'unlocked', wrap: wrapState(file), failures: this.throttle.pending() });
        } catch (err) {
          db.close();
          throw err;
        }
        this.throttle.success();
        profile.timings.totalMs = performance.now() - started;
        return profile;
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
        const rewrapped = await wrapKey(key, p.passphrase, params, p.protector, undefined, this.options.derive);
        // Read again after the slow KDF: the audit log may have stored a newer checkpoint meanwhile.
        const checkpoint = this.currentCheckpoint() ?? file.auditCheckpoint;
        writeKeystore(this.paths, checkpoint === undefined ? rewrapped : { ...rewrapped, auditCheckpoint: checkpoint });
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
    const result = await unwrapKey(file, passphrase, this.options.protector, undefined, this.options.derive);
    if (!result.ok) throw this.throttle.failure();
    // The counter is reset by a successful unlock, after the audit log has recorded it; a re-wrap
    // (passphrase change) leaves it for that unlock, so no wrong guess goes unrecorded.
    return { key: result.key, kdfMs: result.kdfMs, file };
  }

  private currentCheckpoint(): AuditCheckpointSlot | undefined {
    try {
      return readKeystoreFile(this.paths.keystore).auditCheckpoint;
    } catch {
      return undefined;
    }
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

function wrapState(file: KeystoreFile): WrapState {
  return { nonce: file.wrap.nonce, protectedBy: protectorOf(file), opslimit: file.kdf.opslimit, memlimit: file.kdf.memlimit };
}

/** The audit log keeps the copy of its latest checkpoint in keystore.json (main/audit/checkpoint.ts). */
function checkpointCopy(paths: ProfilePaths): CheckpointCopy {
  return {
    read: () => readKeystoreFile(paths.keystore).auditCheckpoint,
    write: (slot) => writeKeystore(paths, { ...readKeystoreFile(paths.keystore), auditCheckpoint: slot }),
  };
}

function auditOptions(paths: ProfilePaths, options: KeystoreOptions): AuditLogOptions {
  return {
    clock: options.clock ?? systemClock,
    copy: checkpointCopy(paths),
    onWarning: options.onWarning,
    ...(options.audit?.checkpointEvery === undefined ? {} : { checkpointEvery: options.audit.checkpointEvery }),
  };
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
