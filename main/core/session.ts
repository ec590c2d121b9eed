import type { Profile } from '../identity/profile';
import { createMessagingContext, SyncSession, type MessagingContext } from '../messaging';
import type { Language } from '../../shared/prefs';
import type { Logger } from './dispatch';
import type { EventHub } from './event-hub';
import { Notifier } from './notifier';
import { readSettings, type ProfileSettings } from './settings-store';

/**
 * One unlocked profile as the desktop app holds it: the profile (its database and keys), the
 * messaging context built on it, its settings, the auto-lock deadline and, while a relay is known
 * and the credential is in force, a running sync session. Closing it stops the sync, then locks the
 * profile, which wipes the keys and writes the `locked` audit entry with its checkpoint.
 */
export interface SessionOptions {
  profileId: string;
  fallbackSpifs: readonly string[];
  now: () => number;
  log: Logger;
  /** ENTENTE_RELAY_URL or the like; the profile's own relay setting wins. */
  defaultRelayUrl: string | null;
  sync: boolean;
  /** Where notes arriving and delivery states go (the renderer's refresh, notifications). */
  events: EventHub;
  lang: () => Language;
}

export class OpenSession {
  readonly profileId: string;
  readonly profile: Profile;
  readonly #o: SessionOptions;
  #ctx: MessagingContext;
  #settings: ProfileSettings;
  #autoLockAt: number;
  #sync: { url: string; session: SyncSession } | null = null;
  readonly #notifier: Notifier;
  /** Notes whose display was recorded in this session (note_displayed once per note, not per scroll). */
  readonly #displayed = new Set<string>();
  /** Notes whose redaction was recorded in this session (note_withheld once per note, not per page). */
  readonly #withheld = new Set<string>();

  constructor(profile: Profile, options: SessionOptions) {
    this.profileId = options.profileId;
    this.profile = profile;
    this.#o = options;
    this.#ctx = this.#context();
    this.#settings = readSettings(profile.db);
    this.#autoLockAt = options.now() + this.#settings.autoLockMinutes * 60_000;
    this.#notifier = new Notifier(this, { hub: options.events, lang: options.lang });
  }

  get ctx(): MessagingContext {
    return this.#ctx;
  }

  get settings(): ProfileSettings {
    return { ...this.#settings };
  }

  get autoLockAt(): number {
    return this.#autoLockAt;
  }

  get relay(): { url: string; state: string } | null {
    return this.#sync === null ? null : { url: this.#sync.url, state: this.#sync.session.client.state };
  }

  get syncSession(): SyncSession | null {
    return this.#sync?.session ?? null;
  }

  /** The officer did something: the deadline moves to now + the auto-lock delay. */
  touch(): void {
    this.#autoLockAt = this.#o.now() + this.#settings.autoLockMinutes * 60_000;
  }

  expired(): boolean {
    return this.#o.now() >= this.#autoLockAt;
  }

  /** Whether the note's display was recorded in this session (since the settings last changed). */
  wasDisplayed(noteId: string): boolean {
    return this.#displayed.has(noteId);
  }

  markDisplayed(noteId: string): void {
    this.#displayed.add(noteId);
  }

  /** Whether the note's redaction was recorded in this session (since the settings last changed). */
  wasWithheld(noteId: string): boolean {
    return this.#withheld.has(noteId);
  }

  markWithheld(noteId: string): void {
    this.#withheld.add(noteId);
  }

  /** After settings.set stored new settings: the deadline and the relay follow them. */
  applySettings(next: ProfileSettings): void {
    this.#settings = { ...next };
    this.#displayed.clear();
    this.#withheld.clear();
    this.touch();
    this.refreshSync();
  }

  /** After an import: new policies need a new registry, a new credential may allow syncing. */
  rebuildContext(): void {
    this.#ctx = this.#context();
    this.#displayed.clear();
    this.#withheld.clear();
    this.refreshSync(true);
  }

  /**
   * Starts, restarts or stops the sync session so it matches the relay URL and the credential now.
   * Without a credential in force there is nothing to log in with: no session.
   */
  refreshSync(force = false): void {
    const url = this.#o.sync ? (this.#settings.relayUrl ?? this.#o.defaultRelayUrl) : null;
    const inForce = this.#ctx.trust.ownCredential(this.#o.now()) !== undefined;
    const wanted = url !== null && inForce ? url : null;
    if (!force && (this.#sync?.url ?? null) === wanted) return;
    this.#stopSync();
    if (wanted === null) return;
    const session = new SyncSession(this.#ctx, { url: wanted, fallbackSpifs: this.#o.fallbackSpifs, log: (event, fields) => this.#o.log(`sync_${event}`, flat(fields)) });
    this.#sync = { url: wanted, session };
    session.on(this.#notifier.onSync);
    session.start();
  }

  /** Stops syncing and locks the profile. Idempotent. */
  async close(): Promise<void> {
    this.#notifier.close();
    const sync = this.#stopSync();
    if (sync !== null) await sync.catch(() => undefined);
    this.profile.lock();
  }

  #stopSync(): Promise<void> | null {
    const current = this.#sync;
    this.#sync = null;
    return current === null ? null : current.session.close();
  }

  #context(): MessagingContext {
    return createMessagingContext(this.profile, { fallbackSpifs: this.#o.fallbackSpifs, now: this.#o.now });
  }
}

/** Log fields keep only primitives (the sync log gives ids, codes and counts). */
function flat(fields: Record<string, unknown> | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(fields ?? {})) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}
