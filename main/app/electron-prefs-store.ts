import Store from 'electron-store';
import { DEFAULT_PREFS, Prefs } from '../../shared/prefs';
import { EntenteError } from '../../shared/errors';
import type { PrefsStore } from '../core/prefs-store';

/** The slice of electron-store (a Conf) this store uses. */
export interface KeyValueBackend {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

const KEY = 'prefs';

/**
 * electron-store options. clearInvalidConfig makes a file that is not JSON read as empty instead of
 * throwing, and, as with the file store, it is only overwritten once the officer changes a
 * preference. The file holds nothing secret but is still kept owner-only.
 */
export const ELECTRON_PREFS_OPTIONS = {
  name: 'preferences',
  clearInvalidConfig: true,
  configFileMode: 0o600,
} as const;

/**
 * Preferences in Electron. Whatever is on disk is validated with the Prefs schema on every read;
 * anything invalid yields the defaults, so a hand-edited file cannot inject a value the UI does
 * not expect.
 */
export class ElectronPrefsStore implements PrefsStore {
  private readonly backend: KeyValueBackend;
  private readonly onProblem: (message: string) => void;

  constructor(backend: KeyValueBackend, onProblem: (message: string) => void = () => {}) {
    this.backend = backend;
    this.onProblem = onProblem;
  }

  read(): Prefs {
    let raw: unknown;
    try {
      raw = this.backend.get(KEY);
    } catch {
      this.onProblem('Preferences unreadable; using defaults.');
      return { ...DEFAULT_PREFS };
    }
    if (raw === undefined) return { ...DEFAULT_PREFS };
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      const parsed = Prefs.safeParse({ ...DEFAULT_PREFS, ...raw });
      if (parsed.success) return parsed.data;
    }
    this.onProblem('Preferences are invalid; using defaults.');
    return { ...DEFAULT_PREFS };
  }

  write(prefs: Prefs): void {
    const valid = Prefs.parse(prefs);
    try {
      this.backend.set(KEY, valid);
    } catch (err) {
      throw new EntenteError('prefs_write_failed', 'The preferences could not be saved.', { cause: err });
    }
  }
}

/** Opens the store in Electron's userData folder; call after app.setName/setPath if either is used. */
export function openElectronPrefsStore(onProblem: (message: string) => void = () => {}): ElectronPrefsStore {
  const store = new Store<Record<string, unknown>>({
    ...ELECTRON_PREFS_OPTIONS,
    // clearInvalidConfig swallows the parse error; report it as the file store does, then let it.
    deserialize: (text: string) => {
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch (err) {
        onProblem('Preferences file is not JSON; using defaults.');
        throw err;
      }
    },
  });
  return new ElectronPrefsStore(store, onProblem);
}
