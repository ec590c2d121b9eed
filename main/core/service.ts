import type { AppEvent } from '../../shared/api/events';
import type { CallInput, CallName, CallOutput } from '../../shared/api/contract';
import type { Prefs } from '../../shared/prefs';
import { auditCounts, auditExport, auditPage, auditVerify } from './calls-audit';
import { channelsCreate } from './calls-channels';
import { composeCatalog, composePreview, composeSend } from './calls-compose';
import { channelsList, displayContext, notesBody, notesPage, notesSearch } from './calls-notes';
import { partnersList, partnersVerify } from './calls-partners';
import { profileCreate, profileEnrolmentRequest, profileImport, profileLock, profileUnlock, profilesList, sessionActivity, sessionStatus } from './calls-profile';
import { settingsGet, settingsSet } from './calls-settings';
import { Core, type CoreOptions } from './core';

export type Handlers = { [N in CallName]: (input: CallOutputOfInput<N>) => Promise<CallOutput<N>> };
/** Handlers receive the input after the schema parsed it (defaults applied, unknown keys refused). */
type CallOutputOfInput<N extends CallName> = Exclude<CallInput<N>, undefined>;

export interface ServiceDeps extends CoreOptions {
  version: string;
  mode: 'electron' | 'bridge';
  platform: string;
}

type In<N extends CallName> = CallOutputOfInput<N>;
type Out<N extends CallName> = Promise<CallOutput<N>>;

/**
 * The one implementation of the API contract. It knows nothing of Electron or of the bridge. Each
 * call is one line here; the work is in calls-*.ts, on the shared state of core.ts (the open
 * session, the user data folder, the clock). Calls that need an unlocked profile answer
 * `profile_locked` while none is, and lock first when the auto-lock deadline has passed.
 */
export class Service implements Handlers {
  private readonly deps: ServiceDeps;
  readonly core: Core;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
    this.core = new Core(deps);
  }

  async appInfo(): Out<'appInfo'> {
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

  // ---- profiles and the session ----
  'profiles.list' = (): Out<'profiles.list'> => profilesList(this.core);
  'profile.create' = (input: In<'profile.create'>): Out<'profile.create'> => profileCreate(this.core, input);
  'profile.unlock' = (input: In<'profile.unlock'>): Out<'profile.unlock'> => profileUnlock(this.core, input);
  'profile.lock' = (): Out<'profile.lock'> => profileLock(this.core);
  'session.status' = (): Out<'session.status'> => sessionStatus(this.core);
  'session.activity' = (): Out<'session.activity'> => sessionActivity(this.core);
  'profile.enrolmentRequest' = (): Out<'profile.enrolmentRequest'> => profileEnrolmentRequest(this.core);
  'profile.import' = (input: In<'profile.import'>): Out<'profile.import'> => profileImport(this.core, input);

  // ---- reading under need-to-know ----
  'display.context' = (): Out<'display.context'> => displayContext(this.core);
  'channels.list' = (): Out<'channels.list'> => channelsList(this.core);
  'channels.create' = (input: In<'channels.create'>): Out<'channels.create'> => channelsCreate(this.core, input);
  'notes.page' = (input: In<'notes.page'>): Out<'notes.page'> => notesPage(this.core, input);
  'notes.body' = (input: In<'notes.body'>): Out<'notes.body'> => notesBody(this.core, input);
  'notes.search' = (input: In<'notes.search'>): Out<'notes.search'> => notesSearch(this.core, input);

  // ---- writing ----
  'compose.catalog' = (input: In<'compose.catalog'>): Out<'compose.catalog'> => composeCatalog(this.core, input);
  'compose.preview' = (input: In<'compose.preview'>): Out<'compose.preview'> => composePreview(this.core, input);
  'compose.send' = (input: In<'compose.send'>): Out<'compose.send'> => composeSend(this.core, input);

  // ---- partners ----
  'partners.list' = (): Out<'partners.list'> => partnersList(this.core);
  'partners.verify' = (input: In<'partners.verify'>): Out<'partners.verify'> => partnersVerify(this.core, input);

  // ---- audit review ----
  'audit.page' = (input: In<'audit.page'>): Out<'audit.page'> => auditPage(this.core, input);
  'audit.counts' = (input: In<'audit.counts'>): Out<'audit.counts'> => auditCounts(this.core, input);
  'audit.verify' = (): Out<'audit.verify'> => auditVerify(this.core);
  'audit.export' = (input: In<'audit.export'>): Out<'audit.export'> => auditExport(this.core, input);

  // ---- settings ----
  'settings.get' = (): Out<'settings.get'> => settingsGet(this.core);
  'settings.set' = (input: In<'settings.set'>): Out<'settings.set'> => settingsSet(this.core, input);

  /** Main's events for the renderer (notes changed, auto-lock, notifications); returns the unsubscribe. */
  onEvent(listener: (event: AppEvent) => void): () => void {
    return this.core.events.on(listener);
  }

  /** Locks the open profile (the app is quitting). */
  async shutdown(): Promise<void> {
    await profileLock(this.core);
  }
}
