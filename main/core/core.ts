import { join } from 'node:path';
import type { Language } from '../../shared/prefs';
import { offThreadDeriveKey, type DeriveKey } from '../crypto/kdf-worker-client';
import { KDF_PARAMS, type KdfParams } from '../crypto/sodium';
import { shippedPolicyTexts } from '../policy/shipped';
import type { Logger } from './dispatch';
import { EventHub } from './event-hub';
import { userDataDir } from './paths';
import type { PrefsStore } from './prefs-store';
import { SessionHolder } from './session-holder';

/** What the Service needs beyond the app's identity; every field but `prefs` has a default. */
export interface CoreOptions {
  prefs: PrefsStore;
  /** The user data folder (profiles/, exports/). Default: userDataDir(). */
  dataDir?: string;
  /** The demo alliance's folder. Default: ENTENTE_DEMO_DIR, else <dataDir>/demo. */
  demoDir?: string | null;
  /** The relay to sync with when the profile names none. Default: ENTENTE_RELAY_URL, else none. */
  relayUrl?: string | null;
  /** Keep a sync session running while unlocked when a relay is known (default true). */
  sync?: boolean;
  now?: () => number;
  /** Argon2id cost of profiles created here (default MODERATE; tests use INTERACTIVE). */
  kdf?: KdfParams;
  /** Argon2id for unlocking and creating; default in a worker thread. */
  derive?: DeriveKey;
  log?: Logger;
}

/** The Service's shared state, handed to the call modules (calls-*.ts). */
export class Core {
  readonly prefs: PrefsStore;
  readonly dataDir: string;
  readonly demoDir: string | null;
  readonly defaultRelayUrl: string | null;
  readonly sync: boolean;
  readonly now: () => number;
  readonly kdf: KdfParams;
  readonly derive: DeriveKey;
  readonly log: Logger;
  readonly sessions: SessionHolder;
  /** Events for the renderer (event-hub.ts); the transports listen. */
  readonly events = new EventHub();
  #spifs: readonly string[] | null = null;

  constructor(o: CoreOptions, env: NodeJS.ProcessEnv = process.env) {
    this.prefs = o.prefs;
    this.dataDir = o.dataDir ?? userDataDir(env);
    this.demoDir = o.demoDir !== undefined ? o.demoDir : (env.ENTENTE_DEMO_DIR || join(this.dataDir, 'demo'));
    this.defaultRelayUrl = o.relayUrl !== undefined ? o.relayUrl : env.ENTENTE_RELAY_URL || null;
    this.sync = o.sync ?? true;
    this.now = o.now ?? Date.now;
    this.kdf = o.kdf ?? KDF_PARAMS.MODERATE;
    this.log = o.log ?? (() => {});
    this.derive = o.derive ?? offThreadDeriveKey({ onFallback: (reason) => this.log('kdf_in_main_thread', { reason }) });
    this.sessions = new SessionHolder(this.now, (profileId) => {
      this.log('auto_locked', { profile: profileId });
      this.events.emit({ kind: 'session.locked' });
    });
  }

  /** The shipped SPIFs, read once: every profile knows them without importing. */
  get fallbackSpifs(): readonly string[] {
    this.#spifs ??= shippedPolicyTexts();
    return this.#spifs;
  }

  lang(): Language {
    return this.prefs.read().language;
  }
}
