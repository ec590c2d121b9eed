import WebSocket from 'ws';
import { EntenteError } from '../../shared/errors';
import { CLOSE_SUPERSEDED, ServerFrame, SendFrame, type DirectoryKind, type ErrorFrame, type ReadyFrame } from '../../shared/wire/relay-frames';
import { fromBase64url, toBase64url } from '../trust/base64url';
import { encodeSigned, type Signed } from '../trust/signed';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffOptions } from './backoff';
import { Inbox } from './inbox';
import { Outbound } from './outbound';
import { RELAY_NONCE_BYTES, relayAuthMessage } from './relay-auth';
import type { Delivery, DirectoryEntries, DirectoryQuery, ReadyInfo, Receipt, RelayClientOptions, RelayClientState, SendRequest } from './relay-client-types';

export type * from './relay-client-types';

/**
 * The connection-level relay client (docs/RELAY.md §9). It logs in with the officer's credential and
 * a signature over each connection's fresh challenge, keeps reconnecting with exponential backoff and
 * full jitter, and re-sends every send the relay has not yet confirmed as stored. The persistent
 * outbox is the messaging layer's: it calls `send` again for what it still holds after a restart, and
 * the relay stores a (sender, note id) once, so at-least-once delivery plus idempotent note ids gives
 * each note exactly once. Everything the directory returns must still be verified by the caller
 * against its own pins: the relay is not trusted.
 */

interface PendingSend {
  frame: string;
  promise: Promise<{ duplicate: boolean }>;
  resolve: (r: { duplicate: boolean }) => void;
  reject: (err: EntenteError) => void;
}

interface PendingRequest {
  frame: string;
  resolve: (frame: ServerFrame) => void;
  reject: (err: EntenteError) => void;
  timer: NodeJS.Timeout;
}

const MAX_INBOUND_BYTES = 64 * 1024 * 1024;
const KIND_OF_TYPE: Record<string, DirectoryKind> = { credential: 'credential', 'signed-prekey': 'prekey', 'revocation-list': 'revocation-list' };

const errorOf = (f: ErrorFrame): EntenteError => new EntenteError(f.code, f.message);
const defaultRelayId = (url: string): string => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
};

export class RelayClient {
  readonly #o: Required<Omit<RelayClientOptions, 'relayId' | 'backoff' | 'random'>> & { relayId: string; backoff: BackoffOptions; random: () => number };
  #state: RelayClientState = 'idle';
  #ws: WebSocket | null = null;
  #ready: ReadyInfo | null = null;
  #attempt = 0;
  #timer: NodeJS.Timeout | null = null;
  #reached = false;
  #lastProblem = 'no attempt yet';
  readonly #out = new Outbound();
  readonly #waiters = new Set<{ resolve: (r: ReadyInfo) => void; reject: (e: EntenteError) => void }>();
  readonly #sends = new Map<string, PendingSend>();
  readonly #requests = new Map<number, PendingRequest>();
  #rid = 0;
  readonly #inbox: Inbox;
  readonly #stateListeners = new Set<(s: RelayClientState) => void>();

  constructor(options: RelayClientOptions) {
    const protocol = URL.canParse(options.url) ? new URL(options.url).protocol : '';
    if (protocol !== 'ws:' && protocol !== 'wss:') throw new EntenteError('invalid_input', `the relay address must be a ws:// or wss:// URL, not "${options.url}"`);
    this.#o = {
      requestTimeoutMs: 30_000,
      handshakeTimeoutMs: 15_000,
      log: () => {},
      ...options,
      relayId: options.relayId ?? defaultRelayId(options.url),
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      random: options.random ?? Math.random,
    };
    this.#inbox = new Inbox(this.#out, this.#o.log);
  }

  get state(): RelayClientState {
    return this.#state;
  }

  /** Sends not yet confirmed as stored by the relay. */
  get unconfirmed(): number {
    return this.#sends.size;
  }

  /**
   * Starts connecting (if not already) and resolves once logged in. Rejects with relay_auth_failed
   * when the relay refuses the login (no retry then), or after `timeoutMs` with relay_unreachable
   * (never reached) or transport_timeout; the client keeps trying in the background until close().
   */
  connect(timeoutMs = 15_000): Promise<ReadyInfo> {
    if (this.#state === 'closed') return Promise.reject(new EntenteError('relay_unavailable', 'this relay client was closed'));
    if (this.#state === 'ready' && this.#ready !== null) return Promise.resolve(this.#ready);
    if (this.#state === 'idle' || this.#state === 'refused') {
      this.#attempt = 0;
      this.#open();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (r: ReadyInfo) => (clearTimeout(timer), resolve(r)),
        reject: (e: EntenteError) => (clearTimeout(timer), reject(e)),
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(this.#reached ? new EntenteError('transport_timeout', 'the relay did not complete the login in time') : new EntenteError('relay_unreachable', `the relay at ${this.#o.url} could not be reached (${this.#lastProblem})`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** Stops for good: pending sends and requests are rejected (the caller's outbox still holds them). */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#setState('closed');
    this.#failAll(new EntenteError('relay_unavailable', 'the relay client was closed'));
    if (this.#timer !== null) clearTimeout(this.#timer);
    const ws = this.#ws;
    this.#ws = null;
    this.#out.reset();
    if (ws === null || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => ws.terminate(), 1000);
      ws.once('close', () => (clearTimeout(force), resolve()));
      ws.close(1000, 'client closing');
    });
  }

  onState(listener: (s: RelayClientState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /**
   * The handler for incoming envelopes. When it returns (or its promise resolves) the delivery is
   * acknowledged and the relay deletes it; when it throws, it is not, and the relay delivers it again
   * on the next connection. Deliveries are handed over one at a time, in the relay's stored order.
   */
  onDeliver(handler: (d: Delivery) => unknown): () => void {
    this.#inbox.setDeliverHandler(handler);
    return () => {
      if (this.#inbox.deliverHandler === handler) this.#inbox.setDeliverHandler(null);
    };
  }

  /** "Delivered to recipient X" (or "expired at the relay") notices for this officer's sends; acknowledged like deliveries. */
  onReceipt(handler: (r: Receipt) => unknown): () => void {
    this.#inbox.setReceiptHandler(handler);
    return () => {
      if (this.#inbox.receiptHandler === handler) this.#inbox.setReceiptHandler(null);
    };
  }

  /**
   * Hands an envelope to the relay; resolves once the relay has committed it to disk. Sending the same
   * note id again while it is pending returns the same promise; after a reconnection it is re-sent.
   */
  send(request: SendRequest): Promise<{ duplicate: boolean }> {
    const held = this.#sends.get(request.noteId);
    if (held !== undefined) return held.promise;
    if (this.#state === 'closed') return Promise.reject(new EntenteError('relay_unavailable', 'this relay client was closed'));
    const frame = SendFrame.safeParse({ type: 'send', id: request.noteId, to: request.to.map((r) => ({ agency: r.agency, officerId: r.officerId })), envelope: toBase64url(request.envelope) });
    if (!frame.success) return Promise.reject(new EntenteError('invalid_input', `not a valid send: ${frame.error.issues[0]?.path.join('.') ?? ''} ${frame.error.issues[0]?.message ?? ''}`.trim()));
    let resolve!: PendingSend['resolve'];
    let reject!: PendingSend['reject'];
    const promise = new Promise<{ duplicate: boolean }>((res, rej) => ((resolve = res), (reject = rej)));
    const pending: PendingSend = { frame: JSON.stringify(frame.data), promise, resolve, reject };
    this.#sends.set(request.noteId, pending);
    if (this.#state === 'ready') this.#out.push(pending.frame);
    return promise;
  }

  /** Publishes this officer's credential or signed prekey, or an agency's revocation list. */
  async publish(object: Signed<unknown>): Promise<'new' | 'unchanged' | 'updated'> {
    const kind = KIND_OF_TYPE[object.type];
    if (kind === undefined) throw new EntenteError('invalid_input', `a ${object.type} is not a directory object`);
    const answer = await this.#request({ type: 'publish', kind, object: encodeSigned(object) });
    if (answer.type !== 'published') throw new EntenteError('relay_frame_invalid', 'the relay answered a publish with something else');
    return answer.outcome;
  }

  /**
   * Resolves once the relay has nothing more for this officer: every envelope and receipt waiting
   * there has been delivered and acknowledged (docs/RELAY.md §5). A delivery whose handler keeps
   * throwing is never acknowledged, so this then ends with transport_timeout after `timeoutMs`.
   */
  async drain(timeoutMs?: number): Promise<void> {
    const answer = await this.#request({ type: 'drain' }, timeoutMs);
    if (answer.type !== 'drained') throw new EntenteError('relay_frame_invalid', 'the relay answered a drain with something else');
  }

  async directory(query: DirectoryQuery = {}): Promise<DirectoryEntries> {
    const answer = await this.#request({ type: 'query', ...query });
    if (answer.type !== 'directory') throw new EntenteError('relay_frame_invalid', 'the relay answered a query with something else');
    return { credentials: answer.credentials, prekeys: answer.prekeys, revocationLists: answer.revocationLists, truncated: answer.truncated };
  }

  // ---- connection lifecycle -----------------------------------------------------------------------

  #setState(s: RelayClientState): void {
    if (this.#state === s) return;
    this.#state = s;
    for (const l of this.#stateListeners) l(s);
  }

  #open(): void {
    this.#timer = null;
    this.#setState('connecting');
    const ws = new WebSocket(this.#o.url, { maxPayload: MAX_INBOUND_BYTES, perMessageDeflate: false, handshakeTimeout: this.#o.handshakeTimeoutMs });
    this.#ws = ws;
    const handshake = setTimeout(() => {
      this.#lastProblem = 'login timed out';
      ws.terminate();
    }, this.#o.handshakeTimeoutMs);
    ws.on('message', (data, isBinary) => {
      if (ws !== this.#ws || isBinary) return;
      this.#onFrame(ws, String(data), handshake).catch((err: unknown) => {
        // The signer or the credential source failed: this login cannot proceed; try again later.
        this.#lastProblem = err instanceof Error ? err.message : 'login failed';
        this.#o.log('relay_login_failed', { reason: this.#lastProblem });
        ws.terminate();
      });
    });
    ws.on('error', (err: NodeJS.ErrnoException) => (this.#lastProblem = err.code ?? err.message));
    ws.on('close', (code) => {
      clearTimeout(handshake);
      if (ws === this.#ws) this.#onDisconnect(code);
    });
  }

  #onDisconnect(code: number): void {
    this.#ws = null;
    this.#ready = null;
    this.#out.reset();
    if (this.#state === 'closed' || this.#state === 'refused') return;
    // Another client of the same officer logged in: reconnecting would only push it out in turn.
    if (code === CLOSE_SUPERSEDED) return this.#refuse(new EntenteError('relay_unavailable', 'another connection of this officer replaced this one at the relay'));
    const delay = backoffDelay(this.#attempt, this.#o.backoff, this.#o.random);
    this.#attempt += 1;
    this.#o.log('relay_disconnected', { code, retryInMs: delay, attempt: this.#attempt });
    this.#setState('backoff');
    this.#timer = setTimeout(() => this.#open(), delay);
  }

  /** The login was refused (or the credential revoked meanwhile): stop until connect() is called again. */
  #refuse(err: EntenteError): void {
    this.#o.log('relay_refused', { code: err.code });
    this.#setState('refused');
    this.#failAll(err);
    const ws = this.#ws;
    this.#ws = null;
    this.#out.reset();
    ws?.close(1000, 'refused');
  }

  #failAll(err: EntenteError): void {
    for (const w of this.#waiters) w.reject(err);
    this.#waiters.clear();
    for (const r of this.#requests.values()) {
      clearTimeout(r.timer);
      r.reject(err);
    }
    this.#requests.clear();
    for (const s of this.#sends.values()) s.reject(err);
    this.#sends.clear();
  }

  async #onFrame(ws: WebSocket, text: string, handshake: NodeJS.Timeout): Promise<void> {
    let frame: ServerFrame;
    try {
      const parsed = ServerFrame.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid');
      frame = parsed.data;
    } catch {
      return this.#o.log('relay_frame_ignored', { reason: 'invalid frame from the relay' });
    }
    switch (frame.type) {
      case 'challenge':
        return this.#answerChallenge(ws, frame.nonce, frame.relay);
      case 'ready':
        clearTimeout(handshake);
        return this.#onReady(ws, frame);
      case 'error':
        return this.#onError(frame);
      case 'stored': {
        const s = this.#sends.get(frame.id);
        this.#sends.delete(frame.id);
        return s?.resolve({ duplicate: frame.duplicate });
      }
      case 'published':
      case 'directory':
      case 'drained': {
        const r = this.#requests.get(frame.rid);
        if (r === undefined) return;
        this.#requests.delete(frame.rid);
        clearTimeout(r.timer);
        return r.resolve(frame);
      }
      case 'deliver':
      case 'receipt':
        return this.#inbox.enqueue(frame);
    }
  }

  async #answerChallenge(ws: WebSocket, nonceText: string, relay: string): Promise<void> {
    this.#reached = true;
    if (relay !== this.#o.relayId) {
      return this.#refuse(new EntenteError('relay_auth_failed', `the relay presents itself as "${relay}", not "${this.#o.relayId}": refusing to log in to it`));
    }
    const nonce = fromBase64url(nonceText);
    if (nonce === null || nonce.length !== RELAY_NONCE_BYTES) return void ws.terminate();
    const credential = typeof this.#o.credential === 'function' ? this.#o.credential() : this.#o.credential;
    const signature = await this.#o.sign(relayAuthMessage(nonce, relay));
    if (ws === this.#ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'auth', credential, signature: toBase64url(signature) }));
  }

  #onReady(ws: WebSocket, frame: ReadyFrame): void {
    const { type: _type, ...info } = frame;
    this.#ready = info;
    this.#attempt = 0;
    this.#out.start(ws, info.limits);
    this.#setState('ready');
    this.#o.log('relay_ready', { unconfirmed: this.#sends.size });
    // Whatever the relay has not confirmed is sent again; it stores a (sender, id) only once.
    for (const s of this.#sends.values()) this.#out.push(s.frame);
    for (const r of this.#requests.values()) this.#out.push(r.frame);
    for (const w of this.#waiters) w.resolve(info);
    this.#waiters.clear();
  }

  #onError(frame: ErrorFrame): void {
    this.#o.log('relay_error', { code: frame.code, reason: frame.reason ?? null });
    if (frame.code === 'relay_auth_failed') return this.#refuse(errorOf(frame));
    const retry = frame.code === 'relay_rate_limited';
    const delay = (frame.retryAfterMs ?? 100) + Math.floor(this.#o.random() * 100);
    if (frame.id !== undefined) {
      const s = this.#sends.get(frame.id);
      if (s === undefined || frame.code === 'relay_unavailable') return;
      if (retry) return this.#later(delay, () => this.#sends.get(frame.id as string) === s, s.frame);
      this.#sends.delete(frame.id);
      return s.reject(errorOf(frame));
    }
    if (frame.rid !== undefined) {
      const r = this.#requests.get(frame.rid);
      if (r === undefined || frame.code === 'relay_unavailable') return;
      if (retry) return this.#later(delay, () => this.#requests.get(frame.rid as number) === r, r.frame);
      this.#requests.delete(frame.rid);
      clearTimeout(r.timer);
      r.reject(errorOf(frame));
    }
  }

  /** Writes `frame` again after `delay` if it is still pending then (rate limiting). */
  #later(delay: number, stillPending: () => boolean, frame: string): void {
    setTimeout(() => {
      if (stillPending() && this.#state === 'ready') this.#out.push(frame);
    }, delay);
  }

  #request(frame: Record<string, unknown>, timeoutMs = this.#o.requestTimeoutMs): Promise<ServerFrame> {
    if (this.#state === 'closed') return Promise.reject(new EntenteError('relay_unavailable', 'this relay client was closed'));
    const rid = ++this.#rid;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#requests.delete(rid);
        reject(new EntenteError('transport_timeout', 'the relay did not answer in time'));
      }, timeoutMs);
      const pending: PendingRequest = { frame: JSON.stringify({ ...frame, rid }), resolve, reject, timer };
      this.#requests.set(rid, pending);
      if (this.#state === 'ready') this.#out.push(pending.frame);
    });
  }
}
