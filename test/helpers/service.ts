import { Service } from '../../main/core/service';
import { FilePrefsStore } from '../../main/core/file-prefs-store';

/** A real Service over a real preferences file in `dir`, as evaluation mode builds it. */
export function makeService(dir: string, mode: 'electron' | 'bridge' = 'bridge'): Service {
  return new Service({ version: '0.0.0-test', mode, platform: 'linux', prefs: new FilePrefsStore(dir) });
}
