import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { EntenteError } from '../../shared/errors';

/** The profile folder. Nothing else is written there (temp files of atomic writes are renamed away). */
export interface ProfilePaths {
  dir: string;
  /** The wrapped database key and its KDF parameters. */
  keystore: string;
  /** The SQLCipher database: every secret and every note. */
  database: string;
  /** SQLite's rollback journal, present only during a write (encrypted like the database). */
  journal: string;
  /** The wrong-passphrase counter (no secret). */
  attempts: string;
}

export function profilePaths(dir: string): ProfilePaths {
  return {
    dir,
    keystore: join(dir, 'keystore.json'),
    database: join(dir, 'profile.db'),
    journal: join(dir, 'profile.db-journal'),
    attempts: join(dir, 'unlock-attempts.json'),
  };
}

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const GROUP_OTHER = 0o077;
const GROUP_OTHER_WRITE = 0o022;
const isPosix = process.platform !== 'win32';

/**
 * Creates the folder (and missing parents) and forces the profile folder itself to 0700 whatever the
 * umask. Refuses a folder that already holds a profile or a part of one (nothing is ever overwritten),
 * or anything else.
 */
export function prepareNewProfileDir(paths: ProfilePaths): void {
  for (const p of [paths.keystore, paths.database, paths.journal]) {
    if (existsSync(p)) throw new EntenteError('keystore_exists', `A profile (or part of one) already exists in ${paths.dir}; nothing was changed.`);
  }
  // An existing folder must be empty: create sets its mode to 0700, which must never hit a folder that
  // serves something else (a home folder given by mistake).
  if (existsSync(paths.dir) && readdirSync(paths.dir).length > 0) {
    throw new EntenteError('invalid_input', `${paths.dir} is not empty; a new profile needs a new or empty folder.`);
  }
  try {
    mkdirSync(paths.dir, { recursive: true, mode: DIR_MODE });
  } catch (err) {
    throw new EntenteError('keystore_write_failed', `The profile folder ${paths.dir} could not be created.`, { cause: err });
  }
  const st = lstatSync(paths.dir);
  if (!st.isDirectory()) throw new EntenteError('profile_insecure', `${paths.dir} is not a folder.`);
  if (isPosix) {
    checkOwner(paths.dir, st);
    chmodSync(paths.dir, DIR_MODE);
  }
}

/**
 * Permission policy on unlock (POSIX; Windows relies on the ACLs of the user's profile folder):
 * - a profile file that is a symbolic link, or anything not owned by the current user → refused;
 * - group/other WRITE on the folder or a file → refused (`profile_insecure`): someone else could have
 *   replaced the keystore or rolled the database back, and tightening the mode now would not undo that;
 * - group/other READ only → tightened to 0600/0700 and reported through `warn`: the contents are
 *   encrypted, so the exposure was offline guessing, which the KDF parameters already bound.
 */
export function checkProfilePermissions(paths: ProfilePaths, warn: (message: string) => void): void {
  if (!isPosix) return;
  const entries: [string, number][] = [[paths.dir, DIR_MODE], [paths.keystore, FILE_MODE], [paths.database, FILE_MODE], [paths.journal, FILE_MODE], [paths.attempts, FILE_MODE]];
  const loose: [string, number][] = [];
  for (const [path, wanted] of entries) {
    let st: Stats;
    try {
      st = lstatSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // missing files are reported by their readers
      throw new EntenteError('profile_insecure', `${path} could not be examined.`, { cause: err });
    }
    if (path !== paths.dir && st.isSymbolicLink()) throw new EntenteError('profile_insecure', `${path} is a symbolic link; a profile file must be a regular file.`);
    checkOwner(path, st);
    if ((st.mode & GROUP_OTHER_WRITE) !== 0) {
      throw new EntenteError('profile_insecure', `${path} can be modified by other users (mode ${modeText(st)}); restore it from a trusted copy or run: chmod ${wanted.toString(8)} '${path}'.`);
    }
    if ((st.mode & GROUP_OTHER) !== 0) loose.push([path, wanted]);
  }
  for (const [path, wanted] of loose) {
    chmodSync(path, wanted);
    warn(`${path} was readable by other users; its mode was set to ${wanted.toString(8)}.`);
  }
}

/** Sets a file just written to 0600 (the umask can only have removed bits, but a pre-existing file keeps its mode). */
export function restrictFile(path: string): void {
  if (isPosix) chmodSync(path, FILE_MODE);
}

function checkOwner(path: string, st: Stats): void {
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new EntenteError('profile_insecure', `${path} belongs to another user (uid ${st.uid}); a profile must belong to the user who opens it.`);
  }
}

const modeText = (st: Stats) => (st.mode & 0o777).toString(8).padStart(3, '0');
