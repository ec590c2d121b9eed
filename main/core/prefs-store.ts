import type { Prefs } from '../../shared/prefs';

/**
 * Where non-secret preferences live: electron-store under Electron, a JSON file elsewhere.
 * Both validate what they read, so a hand-edited or corrupted file cannot inject bad values.
 */
export interface PrefsStore {
  read(): Prefs;
  write(prefs: Prefs): void;
}
