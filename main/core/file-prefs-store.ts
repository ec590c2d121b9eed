import { mkdirSync, readFileSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEFAULT_PREFS, Prefs } from '../../shared/prefs';
import { EntenteError } from '../../shared/errors';
import type { PrefsStore } from './prefs-store';

const MAX_PREFS_BYTES = 64 * 1024;
const StoredPrefs = Prefs.partial().strict();

/**
 * The file store used outside Electron (browser bridge, CLI, tests). A missing file means defaults;
 * an unreadable or invalid one also yields defaults but is left untouched until the officer changes
 * a preference, so a bad file never loses what a later fix could recover.
 */
export class FilePrefsStore implements PrefsStore {
  readonly path: string;
  private readonly onProblem: (message: string) => void;

  constructor(dir: string, onProblem: (message: string) => void = () => {}) {
    this.path = join(dir, 'preferences.json');
    this.onProblem = onProblem;
  }

  read(): Prefs {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.onProblem(`Preferences file unreadable; using defaults.`);
      return { ...DEFAULT_PREFS };
    }
    if (text.length > MAX_PREFS_BYTES) {
      this.onProblem('Preferences file is too large; using defaults.');
      return { ...DEFAULT_PREFS };
    }
    try {
      const stored: unknown = JSON.parse(text);
      // Missing keys take their defaults (a file from an older version); anything else must be valid.
      const parsed = StoredPrefs.safeParse(stored);
      if (parsed.success) return { ...DEFAULT_PREFS, ...parsed.data };
    } catch {
      // fall through: invalid JSON is reported like an invalid value
    }
    this.onProblem('Preferences file is invalid; using defaults.');
    return { ...DEFAULT_PREFS };
  }

  write(prefs: Prefs): void {
    const valid = Prefs.parse(prefs);
    const tmp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      writeFileSync(tmp, JSON.stringify(valid, null, 2), { mode: 0o600, flag: 'wx' });
      renameSync(tmp, this.path);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw new EntenteError('prefs_write_failed', 'The preferences could not be saved.', { cause: err });
    }
  }
}
