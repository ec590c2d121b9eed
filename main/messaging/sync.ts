import { EntenteError } from '../../shared/errors';
import { signDetached } from '../crypto/sodium';
import { currentSignedPrekey, rotatePrekeys } from '../identity/prekeys';
import { RelayClient, type Delivery, type DirectoryQuery, type ReadyInfo, type Receipt, type RelayClientState } from '../transport/relay-client';
import { encodeSigned } from '../trust/signed';
import { ownCredential, type MessagingContext } from './context';
import { receiveEnvelope } from './receive';
import { isProgramError, pullDirectory } from './sync-directory';
import { DEFAULT_RETRY, emptyFlushReport, flushOutbox } from './sync-outbox';
import { REPORT_LIST_LIMIT, addDirectoryReport, emptyDirectoryReport, type DirectoryReport, type FlushReport, type PublishReport, type SyncEvent, type SyncLog, type SyncOptions, type SyncReport } from './sync-types';

export type * from './sync-types';

/**
 * The sync engine between a profile and its relay (DESIGN.md §6, docs/RELAY.md §9). One session per
 * unlocked profile: it logs in with the officer's credential, publishes the credential, the current
 * signed prekey (rotated first when due) and the revocation lists held here, reads the directory
 * (verified like `profile import`, never trusted), flushes the outbox, and hands each delivery to the
 * receive pipeline. A delivery is acknowledged once that pipeline returned: stored, or refused for
 * good (a refusal is final and acknowledged too). A program error (profile locked, database) is not
 * acknowledged, so the relay delivers the envelope again later. Receipts move the outbox to delivered.
 *
 * Two ways to use it: `syncOnce` (sync-once.ts) for a command that connects, catches up and exits
 * (the relay's `drain` answer says when nothing more is waiting), or `start()` for a process that
 * stays (the desktop app while unlocked), which re-runs publish → directory → flush after every
 * reconnection and periodically, and reports what happens through `on(listener)`. After a program error in a
 * handler (the profile locked, the database failing) a session handles nothing more: close it and
 * start a new one once the cause is gone; what it did not acknowledge is delivered again then.
 */

const SENDER_PULL_INTERVAL_MS = 60_000;
const DEFAULT_MAINTENANCE_MS = 5 * 60_000;

const emptyReport = (): SyncReport => ({ published: null, directory: emptyDirectoryReport(), sent: emptyFlushReport(), received: { stored: 0, rejected: [] }, receipts: { delivered: 0, expired: [] } });

const push = <T>(list: T[], item: T): void => void (list.length < REPORT_LIST_LIMIT && list.push(item));

export class SyncSession {
  readonly client: RelayClient;
  readonly #ctx: MessagingContext;
  readonly #o: SyncOptions;
  readonly #log: SyncLog;
  readonly #ownsClient: boolean;
  readonly #listeners = new Set<(e: SyncEvent) => void>();
  readonly #unsubscribe: (() => void)[] = [];
  readonly #report = emptyReport();
  readonly #senderPulls = new Map<string, number>();
  #fatal: unknown = null;
  readonly #fatalWaiters = new Set<(err: unknown) => void>();
  #flushing: Promise<FlushReport> | null = null;
  #flushAgain = false;
  #cycle: Promise<void> | null = null;
  #cycleAgain = false;
  #receiving = false;
  #running = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(ctx: MessagingContext, options: SyncOptions) {
    this.#ctx = ctx;
    this.#o = options;
    this.#log = options.log ?? (() => {});
    this.#ownsClient = options.client === undefined;
    this.client =
      options.client ??
      new RelayClient({
        ...options.clientOptions,
        url: options.url,
        ...(options.relayId === undefined ? {} : { relayId: options.relayId }),
        // Asked at every login: a renewed credential is used from the next connection on.
        credential: () => encodeSigned(ownCredential(ctx)),
        sign: (message) => {
          if (ctx.profile.isLocked) throw new EntenteError('profile_locked', 'the profile is locked');
          return signDetached(message, ctx.identity.signSecret);
        },
        log: this.#log,
      });
    this.#unsubscribe.push(this.client.onState((state) => this.#onState(state)));
  }

  /** Events for the app; returns the function that stops them. */
  on(listener: (e: SyncEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** What this session did so far (a copy). */
  report(): SyncReport {
    return structuredClone(this.#report);
  }

  /**
   * Logs in. With `attempts`, gives up with relay_unreachable after that many failed connections in a
   * row instead of waiting the whole timeout (a command should say "unreachable" quickly).
   * Codes: credential_* (no credential in force here), relay_auth_failed, relay_unreachable, transport_timeout.
   */
  async connect(options: { timeoutMs?: number; attempts?: number } = {}): Promise<ReadyInfo> {
    ownCredential(this.#ctx);
    const connecting = this.client.connect(options.timeoutMs ?? 15_000);
    const attempts = options.attempts;
    if (attempts === undefined) return connecting;
    let stop = (): void => {};
    const unreachable = new Promise<never>((_, reject) => {
      let failures = 0;
      stop = this.client.onState((s) => {
        if (s === 'backoff' && ++failures >= attempts) reject(new EntenteError('relay_unreachable', `the relay at ${this.#o.url} could not be reached`));
      });
    });
    try {
      return await Promise.race([connecting, unreachable]);
    } finally {
      stop();
    }
  }

  /** Rotates the prekeys if due, then publishes the credential, the current signed prekey and the revocation lists held. */
  async publishOwn(): Promise<PublishReport> {
    const ctx = this.#ctx;
    const own = ownCredential(ctx);
    const rotation = rotatePrekeys(ctx.profile, ctx.identity, own, ctx.now(), this.#o.prekeySchedule);
    const credential = await this.client.publish(own);
    const current = currentSignedPrekey(ctx.profile);
    const prekey = current === undefined ? null : { id: current.body.prekeyId, outcome: await this.client.publish(current) };
    let revocationLists = 0;
    for (const agency of ctx.trust.agencies()) {
      const list = ctx.trust.revocationList(agency.id);
      if (list === undefined) continue;
      try {
        if ((await this.client.publish(list)) !== 'unchanged') revocationLists += 1;
      } catch (err) {
        // The relay holds a newer list, or does not serve that agency: nothing to spread.
        if (!(err instanceof EntenteError) || err.code !== 'relay_directory_refused') throw err;
        this.#log('revocation_list_not_published', { agency: agency.id, code: err.code });
      }
    }
    const report: PublishReport = { credential, prekey, rotated: rotation.created, revocationLists };
    this.#report.published = report;
    this.#emit({ type: 'published', report });
    return report;
  }

  /** Reads the directory (all of it, or one agency or officer) into the profile, verifying every object. */
  async pullDirectory(query: DirectoryQuery = {}): Promise<DirectoryReport> {
    const report = await pullDirectory(this.#ctx, this.client, query, { log: this.#log, ...(this.#o.fallbackSpifs === undefined ? {} : { fallbackSpifs: this.#o.fallbackSpifs }) });
    addDirectoryReport(this.#report.directory, report);
    this.#emit({ type: 'directory', report });
    return report;
  }

  /** Starts taking deliveries and receipts (they wait at the client, unacknowledged, until then). */
  receive(): void {
    if (this.#receiving) return;
    this.#receiving = true;
    this.#unsubscribe.push(
      this.client.onDeliver((d) => this.#onDeliver(d)),
      this.client.onReceipt((r) => this.#onReceipt(r)),
    );
  }

  /** Sends what the outbox holds and is due; resolves when each send was stored or refused. Calls during a flush join it (and run it once more). */
  flush(): Promise<FlushReport> {
    if (this.#flushing !== null) {
      this.#flushAgain = true;
      return this.#flushing;
    }
    const run = async (): Promise<FlushReport> => {
      const total = emptyFlushReport();
      do {
        this.#flushAgain = false;
        const r = await flushOutbox({ ctx: this.#ctx, client: this.client, retry: this.#o.retry ?? DEFAULT_RETRY, random: this.#o.random ?? Math.random, emit: (e) => this.#emit(e), log: this.#log });
        total.stored.push(...r.stored);
        total.refused.push(...r.refused);
        total.queued = r.queued;
      } while (this.#flushAgain);
      const sent = this.#report.sent;
      sent.stored.push(...total.stored.slice(0, Math.max(0, REPORT_LIST_LIMIT - sent.stored.length)));
      for (const r of total.refused) push(sent.refused, r);
      sent.queued = total.queued.slice(0, REPORT_LIST_LIMIT);
      return total;
    };
    this.#flushing = run().finally(() => (this.#flushing = null));
    return this.#flushing;
  }

  /**
   * Resolves when the relay has nothing more for this officer and everything delivered was handled.
   * Rejects with the first program error of a delivery or receipt handler (profile_locked…), or
   * transport_timeout after `timeoutMs`.
   */
  async drained(timeoutMs = 120_000): Promise<void> {
    let waiter: ((err: unknown) => void) | undefined;
    const failed =
      this.#fatal !== null
        ? Promise.reject(this.#fatal as Error)
        : new Promise<never>((_, reject) => {
            waiter = reject;
            this.#fatalWaiters.add(reject);
          });
    try {
      await Promise.race([this.client.drain(timeoutMs), failed]);
    } finally {
      if (waiter !== undefined) this.#fatalWaiters.delete(waiter);
    }
  }

  /**
   * Runs in the background until close(): keeps the connection, and after every login publishes,
   * reads the directory, takes deliveries and flushes; re-checks prekeys and the outbox periodically.
   */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#timer = setInterval(() => void this.#maintain(), this.#o.maintenanceMs ?? DEFAULT_MAINTENANCE_MS);
    this.#timer.unref();
    if (this.client.state === 'ready') this.#runCycle();
    else this.client.connect().catch((err: unknown) => this.#report_(err, 'connect_failed'));
  }

  async close(): Promise<void> {
    this.#running = false;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    for (const u of this.#unsubscribe.splice(0)) u();
    this.#receiving = false;
    if (this.#ownsClient) await this.client.close();
  }

  // ---- handlers -------------------------------------------------------------------------------------

  async #onDeliver(d: Delivery): Promise<void> {
    // After a program error nothing more is handled (nor acknowledged): a later note may depend on
    // the one that failed (its channel's creation), and would otherwise be refused for good.
    if (this.#fatal !== null) throw new EntenteError('internal', 'the sync session stopped after an error');
    try {
      let result = receiveEnvelope(this.#ctx, d.envelope);
      if (result.status === 'rejected' && result.code === 'sender_unknown' && this.#mayPullFor(`${d.from.agency}/${d.from.officerId}`)) {
        // A sender met for the first time: its credential may be at the relay; read it and try once more.
        await this.pullDirectory({ agency: d.from.agency, officerId: d.from.officerId });
        result = receiveEnvelope(this.#ctx, d.envelope);
      }
      if (result.status === 'stored') {
        this.#report.received.stored += 1;
        this.#emit({ type: 'received', noteId: result.note.noteId, channelId: result.note.channelId });
      } else {
        push(this.#report.received.rejected, { noteId: result.noteId ?? null, code: result.code });
        this.#log('note_rejected', { code: result.code });
        this.#emit({ type: 'rejected', noteId: result.noteId ?? null, code: result.code });
      }
    } catch (err) {
      // Not acknowledged either way: a program error stops the session, a lost connection during the
      // sender's directory read just means the envelope comes again.
      if (isProgramError(err)) this.#fail(err);
      else this.#log('delivery_deferred', { code: (err as EntenteError).code });
      throw err;
    }
  }

  async #onReceipt(r: Receipt): Promise<void> {
    if (this.#fatal !== null) throw new EntenteError('internal', 'the sync session stopped after an error');
    try {
      if (r.state === 'expired') {
        push(this.#report.receipts.expired, { noteId: r.id, to: r.to });
        this.#log('receipt_expired', { to: `${r.to.agency}/${r.to.officerId}` });
        this.#emit({ type: 'delivery', noteId: r.id, state: 'expired', to: r.to });
        return;
      }
      this.#ctx.notes.markDelivered(r.id, r.to, this.#ctx.now());
      this.#report.receipts.delivered += 1;
      this.#emit({ type: 'delivery', noteId: r.id, state: 'delivered', to: r.to });
    } catch (err) {
      // A receipt for a note or recipient this profile does not know (a restored profile, a confused
      // relay): nothing to record, acknowledged so it is not sent again.
      if (err instanceof EntenteError && (err.code === 'note_missing' || err.code === 'invalid_input')) return this.#log('receipt_ignored', { code: err.code });
      if (isProgramError(err)) this.#fail(err);
      throw err;
    }
  }

  #mayPullFor(sender: string): boolean {
    const now = Date.now();
    const last = this.#senderPulls.get(sender);
    if (last !== undefined && now - last < SENDER_PULL_INTERVAL_MS) return false;
    this.#senderPulls.set(sender, now);
    return true;
  }

  // ---- long-running ---------------------------------------------------------------------------------

  #onState(state: RelayClientState): void {
    this.#emit({ type: 'connection', state });
    if (state === 'ready' && this.#running) this.#runCycle();
  }

  /** publish → directory → receive → flush, once per login; a login during a cycle runs it again after. */
  #runCycle(): void {
    if (this.#cycle !== null) {
      this.#cycleAgain = true;
      return;
    }
    const run = async (): Promise<void> => {
      do {
        this.#cycleAgain = false;
        try {
          await this.publishOwn();
          await this.pullDirectory();
          this.receive();
          await this.flush();
        } catch (err) {
          this.#report_(err, 'sync_cycle_failed');
        }
      } while (this.#cycleAgain && this.#running);
    };
    this.#cycle = run().finally(() => (this.#cycle = null));
  }

  async #maintain(): Promise<void> {
    if (!this.#running || this.client.state !== 'ready') return;
    try {
      const own = ownCredential(this.#ctx);
      const rotation = rotatePrekeys(this.#ctx.profile, this.#ctx.identity, own, this.#ctx.now(), this.#o.prekeySchedule);
      const current = currentSignedPrekey(this.#ctx.profile);
      if (rotation.created !== null && current !== undefined) {
        // Senders must learn the new prekey before the old one expires: publish it at once.
        const outcome = await this.client.publish(current);
        this.#emit({ type: 'published', report: { credential: 'unchanged', prekey: { id: current.body.prekeyId, outcome }, rotated: rotation.created, revocationLists: 0 } });
      }
      await this.flush();
    } catch (err) {
      this.#report_(err, 'maintenance_failed');
    }
  }

  #report_(err: unknown, event: string): void {
    const e = err instanceof EntenteError ? err : new EntenteError('internal', 'the sync session failed');
    this.#log(event, { code: e.code });
    this.#emit({ type: 'error', code: e.code, message: e.message });
  }

  #fail(err: unknown): void {
    this.#fatal ??= err;
    for (const w of this.#fatalWaiters) w(err);
    this.#fatalWaiters.clear();
    this.#report_(err, 'handler_failed');
  }

  #emit(e: SyncEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch {
        // A listener's failure is the listener's business; the session goes on.
      }
    }
  }
}
