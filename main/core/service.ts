import type { CallInput, CallName, CallOutput } from '../../shared/api/contract';
import type { Prefs } from '../../shared/prefs';
import type { PrefsStore } from './prefs-store';

export type Handlers = { [N in CallName]: (input: CallOutputOfInput<N>) => Promise<CallOutput<N>> };
/** Handlers receive the input after the schema parsed it (defaults applied, unknown keys refused). */
type CallOutputOfInput<N extends CallName> = Exclude<CallInput<N>, undefined>;

export interface ServiceDeps {
  version: string;
  mode: 'electron' | 'bridge';
  platform: string;
  prefs: PrefsStore;
}

/** The one implementation of the API contract. It knows nothing of Electron or of the bridge. */
export class Service implements Handlers {
  private readonly deps: ServiceDeps;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
  }

  async appInfo(): Promise<CallOutput<'appInfo'>> {
    return { name: 'Entente', version: this.deps.version, mode: this.deps.mode, platform: this.deps.platform };
  }

  async getPrefs(): Promise<Prefs> {
    return this.deps.prefs.read();
  }

  async setPrefs(patch: CallInput<'setPrefs'>): Promise<Prefs> {
    const next: Prefs = { ...this.deps.prefs.read(), ...patch };
    this.deps.prefs.write(next);
    return next;
  }
}
