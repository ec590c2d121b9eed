import { Service } from '../../main/core/service';
import { FilePrefsStore } from '../../main/core/file-prefs-store';
import { KDF_PARAMS } from '../../main/crypto/sodium';

/**
 * A real Service over a real preferences file in `dir`, as evaluation mode builds it, with `dir` as
 * its user data folder (no profile, no demo, no relay: nothing outside the test's folder is read).
 */
export function makeService(dir: string, mode: 'electron' | 'bridge' = 'bridge'): Service {
  return new Service({ version: '0.0.0-test', mode, platform: 'linux', prefs: new FilePrefsStore(dir), dataDir: dir, demoDir: null, relayUrl: null, sync: false, kdf: KDF_PARAMS.INTERACTIVE });
}
