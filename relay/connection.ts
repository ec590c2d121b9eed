import type { RawData, WebSocket } from 'ws';
import { EntenteError } from '../shared/errors';
import {
  ClientFrame,
  CLOSE_SUPERSEDED,
  RequestId,
  WireNoteId,
  officerKey,
  type AckFrame,
  type AuthFrame,
  type DrainFrame,
  type ErrorFrame,
  type OfficerRef,
  type PublishFrame,
  type QueryFrame,
  type ReceiptAckFrame,
  type SendFrame,
  type ServerFrame,
} from '../shared/wire/relay-frames';
import { fromBase64url, toBase64url } from '../main/trust/base64url';
import { sqliteCode } from '../main/store/sqlite-errors';
import { RelayAuthError, authenticate, type AuthenticatedOfficer } from './auth';
import { storageError } from './commit-queue';
import type { RelayContext } from './context';
import { checkBinding, readEnvelopeRouting } from './envelope-header';
import { connectionBucket } from './limits';

/** Largest directory answer, in bytes of signed objects (the client accepts frames up to 64 MiB). */
const DIRECTORY_ANSWER_BYTES = 16 * 1024 * 1024;
const RECEIPT_WINDOW = 256;
const MAX_DRAIN_WAITERS = 16;

const refOf = (raw: unknown): { id?: string; rid?: number } => {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  return {
    ...(WireNoteId.safeParse(r.id).success ? { id: r.id as string } : {}),
    ...(RequestId.safeParse(r.rid).success ? { rid: r.rid as number } : {}),
  };
};

const refFromKey = (key: string): OfficerRef => {
  const slash = key.indexOf('/');
  return { agency: key.slice(0, slash), officerId: key.slice(slash + 1) };
};

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * One client connection (docs/RELAY.md §2–4): challenge, authentication, then sends, acks, directory
 * requests, and the flow of deliveries and receipts to it. Every frame is size-checked, rate-limited
 * and parsed before anything else; each refusal is an error frame, and only a peer that keeps sending
 * refused frames (`maxStrikes` in a row) or fails authentication is disconnected.
 */
export class RelayConnection {
  #officer: AuthenticatedOfficer | null = null;
  #authTried = false;
  #strikes = 0;
  #alive = true;
  #closed = false;
  readonly #bucket;
  readonly #authTimer: NodeJS.Timeout;
  /** Deliveries sent and not yet acknowledged; at most limits.deliveryWindow. */
  readonly #inFlight = new Set<string>();
  #cursor = 0;
  readonly #receiptsInFlight = new Set<string>();
  #receiptCursor = 0;
  /** `drain` requests waiting for this officer's mailbox and receipts to be empty and acknowledged. */
  readonly #drainWaiters: number[] = [];

  constructor(
    readonly id: string,
    private readonly ws: WebSocket,
    private readonly ctx: RelayContext,
    private readonly nonce: Uint8Array,
  ) {
    this.#bucket = connectionBucket(ctx.limits);
    ws.on('message', (data, isBinary) => this.#guard(() => this.#onMessage(data, isBinary)));
    ws.on('pong', () => (this.#alive = true));
    ws.on('error', () => ws.terminate());
    ws.on('close', (code) => this.#onClose(code));
    this.#authTimer = setTimeout(() => this.#refuseAuth(new RelayAuthError('timeout', 'no authentication within the time allowed')), ctx.limits.authTimeoutMs);
    this.#reply({ type: 'challenge', v: 1, nonce: toBase64url(nonce), relay: ctx.relayId });
  }

  get officer(): AuthenticatedOfficer | null {
    return this.#officer;
  }

  /** Called by the server's ping timer: drops a peer that did not answer the previous ping. */
  heartbeat(): void {
    if (!this.#alive) return void this.ws.terminate();
    this.#alive = false;
    this.ws.ping();
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.ws.close(code, reason);
  }

  /** Sends an error frame and closes (revoked or expired while connected, superseded, shutdown). */
  terminateWith(err: EntenteError, code: number): void {
    this.#error(err, {});
    this.close(code, err.code);
  }

  /** No frame, however odd, and no failure of the database may take the relay down: answer it instead. */
  #guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#error(err, {});
    }
  }

  /** Runs `work` in the commit queue; `done` after the commit, `failed` with the error (both guarded). */
  #commit<T>(work: () => T, done: (value: T) => void, failed: (err: unknown) => void): void {
    this.ctx.queue.submit(work).then(
      (value) => this.#guard(() => done(value)),
      (err: unknown) => this.#guard(() => failed(err)),
    );
  }

  // ---- incoming -----------------------------------------------------------------------------------

  #onMessage(data: RawData, isBinary: boolean): void {
    if (this.#closed) return;
    if (this.ctx.closing) return this.#error(new EntenteError('relay_unavailable', 'the relay is shutting down'), {});
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
    if (isBinary) return this.#strike(new EntenteError('relay_frame_invalid', 'binary frames are not part of the protocol; send JSON text'), {});
    if (size > this.ctx.limits.maxFrameBytes) return this.#strike(new EntenteError('relay_frame_too_large', `frames are limited to ${this.ctx.limits.maxFrameBytes} bytes`), {});
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
    } catch {
      return this.#strike(new EntenteError('relay_frame_invalid', 'the frame is not JSON'), {});
    }
    const ref = refOf(raw);
    if (!this.#bucket.take()) {
      return this.#strike(new EntenteError('relay_rate_limited', 'too many frames; slow down'), { ...ref, retryAfterMs: this.#bucket.waitMs() });
    }
    const parsed = ClientFrame.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.#strike(new EntenteError('relay_frame_invalid', `invalid frame at ${issue?.path.join('.') || 'type'}: ${issue?.message ?? 'invalid'}`), ref);
    }
    const frame = parsed.data;
    if (frame.type === 'auth') return this.#onAuth(frame);
    if (this.#officer === null) return this.#refuseAuth(new RelayAuthError('not_authenticated', 'authenticate first'));
    this.#strikes = 0;
    switch (frame.type) {
      case 'send':
        return this.#onSend(frame, this.#officer);
      case 'ack':
        return this.#onAck(frame, this.#officer);
      case 'receipt_ack':
        return this.#onReceiptAck(frame, this.#officer);
      case 'publish':
        return this.#onPublish(frame, this.#officer);
      case 'query':
        return this.#onQuery(frame);
      case 'drain':
        return this.#onDrain(frame);
    }
  }

  #onAuth(frame: AuthFrame): void {
    if (this.#authTried) return this.#strike(new RelayAuthError('already_authenticated', 'this connection has already used its challenge'), {});
    this.#authTried = true;
    clearTimeout(this.#authTimer);
    let officer: AuthenticatedOfficer;
    try {
      officer = authenticate(frame, this.nonce, this.ctx.relayId, this.ctx.trust, this.ctx.now());
    } catch (err) {
      return this.#refuseAuth(err instanceof RelayAuthError ? err : new RelayAuthError('credential_malformed', 'the credential could not be checked'));
    } finally {
      // The challenge is good for one attempt only.
      this.nonce.fill(0);
    }
    this.#officer = officer;
    const previous = this.ctx.officers.get(officer.key);
    if (previous !== undefined && previous !== this) previous.terminateWith(new EntenteError('relay_unavailable', 'a newer connection of this officer replaced this one'), CLOSE_SUPERSEDED);
    this.ctx.officers.set(officer.key, this);
    this.ctx.logger.log('info', 'auth_ok', { conn: this.id, officer: officer.key, serial: officer.serial });
    this.#reply({ type: 'ready', officer: { agency: officer.agency, officerId: officer.officerId, serial: officer.serial }, limits: this.ctx.limitsView, retentionMs: this.ctx.retentionMs });
    // The credential just verified is what others need to reach this officer: list it in the directory.
    const listingFailed = (err: unknown) => this.ctx.logger.log('warn', 'credential_listing_failed', { conn: this.id, code: err instanceof EntenteError ? err.code : 'internal' });
    try {
      this.#commit(this.ctx.directory.prepare('credential', officer.credentialText, officer, this.ctx.now()).write, () => {}, listingFailed);
    } catch (err) {
      listingFailed(err);
    }
    this.pumpDeliveries();
    this.pumpReceipts();
  }

  #refuseAuth(err: RelayAuthError): void {
    this.ctx.logger.log('warn', 'auth_failed', { conn: this.id, reason: err.reason });
    this.#error(err, {});
    this.close(1008, 'authentication failed');
  }

  #onSend(frame: SendFrame, officer: AuthenticatedOfficer): void {
    const { limits } = this.ctx;
    const ref = { id: frame.id };
    const bytes = fromBase64url(frame.envelope);
    if (bytes === null) return this.#strike(new EntenteError('relay_frame_invalid', 'the envelope is not canonical base64url'), ref);
    if (bytes.length > limits.maxEnvelopeBytes) return this.#strike(new EntenteError('relay_frame_too_large', `envelopes are limited to ${limits.maxEnvelopeBytes} bytes`), ref);
    if (frame.to.length > limits.maxRecipients) return this.#strike(new EntenteError('relay_frame_invalid', `at most ${limits.maxRecipients} recipients`), ref);
    const stranger = frame.to.find((r) => !this.ctx.trust.agencies.has(r.agency));
    if (stranger !== undefined) return this.#strike(new EntenteError('relay_frame_invalid', `agency ${stranger.agency} is not served by this relay`), ref);
    try {
      checkBinding(readEnvelopeRouting(bytes), frame, officer);
    } catch (err) {
      return this.#strike(err, ref);
    }
    const recipients = frame.to.map(officerKey);
    const input = { id: frame.id, sender: officer.key, recipients, bytes, now: this.ctx.now() };
    this.#commit(
      () => this.ctx.store.storeEnvelope(input, limits),
      (outcome) => {
        // Only now, the commit having returned, does the sender learn that the relay holds the note.
        this.#reply({ type: 'stored', id: frame.id, duplicate: outcome === 'duplicate' });
        this.ctx.logger.log('debug', 'envelope_stored', { conn: this.id, officer: officer.key, recipients: recipients.length, bytes: bytes.length, duplicate: outcome === 'duplicate' });
        if (outcome === 'stored') for (const r of recipients) this.ctx.officers.get(r)?.pumpDeliveries();
      },
      (err: unknown) => this.#error(err, ref),
    );
  }

  #onAck(frame: AckFrame, officer: AuthenticatedOfficer): void {
    this.#commit(
      () => this.ctx.store.acknowledge(officer.key, frame.ids, this.ctx.now()),
      ({ acked, senders }) => {
        for (const id of frame.ids) this.#inFlight.delete(id);
        this.ctx.logger.log('debug', 'acked', { conn: this.id, officer: officer.key, count: acked.length });
        this.pumpDeliveries();
        for (const s of senders) this.ctx.officers.get(s)?.pumpReceipts();
      },
      (err: unknown) => this.#error(err, {}),
    );
  }

  #onReceiptAck(frame: ReceiptAckFrame, officer: AuthenticatedOfficer): void {
    const receipts = frame.receipts.map((r) => ({ id: r.id, recipient: officerKey(r.to) }));
    this.#commit(
      () => this.ctx.store.acknowledgeReceipts(officer.key, receipts),
      () => {
        for (const r of receipts) this.#receiptsInFlight.delete(`${r.id}|${r.recipient}`);
        this.pumpReceipts();
      },
      (err: unknown) => this.#error(err, {}),
    );
  }

  #onPublish(frame: PublishFrame, officer: AuthenticatedOfficer): void {
    const ref = { rid: frame.rid };
    let prepared;
    try {
      prepared = this.ctx.directory.prepare(frame.kind, frame.object, officer, this.ctx.now());
    } catch (err) {
      this.ctx.logger.log('warn', 'publish_refused', { conn: this.id, officer: officer.key, kind: frame.kind });
      return this.#error(err, ref);
    }
    const { write, afterCommit } = prepared;
    this.#commit(
      write,
      (outcome) => {
        afterCommit?.(outcome);
        this.ctx.logger.log('info', 'published', { conn: this.id, officer: officer.key, kind: frame.kind, outcome });
        this.#reply({ type: 'published', rid: frame.rid, kind: frame.kind, outcome });
        if (frame.kind === 'revocation-list' && outcome !== 'unchanged') this.ctx.enforceRevocations();
      },
      (err: unknown) => this.#error(err, ref),
    );
  }

  #onQuery(frame: QueryFrame): void {
    const result = this.ctx.directory.query(frame, this.ctx.now(), DIRECTORY_ANSWER_BYTES);
    this.#reply({ type: 'directory', rid: frame.rid, ...result });
  }

  #onDrain(frame: DrainFrame): void {
    // Pending requests cost memory until answered; a client needs one or two, not thousands.
    if (this.#drainWaiters.length >= MAX_DRAIN_WAITERS) return this.#strike(new EntenteError('relay_frame_invalid', `at most ${MAX_DRAIN_WAITERS} drain requests may wait at once`), { rid: frame.rid });
    this.#drainWaiters.push(frame.rid);
    this.#answerDrained();
  }

  /**
   * Answers the waiting `drain` requests when nothing is in flight and nothing more is queued for this
   * officer (deliveries and receipts). Called after every pump, i.e. at login and after each ack.
   */
  #answerDrained(): void {
    const officer = this.#officer;
    if (this.#drainWaiters.length === 0 || officer === null || this.#closed) return;
    if (this.#inFlight.size > 0 || this.#receiptsInFlight.size > 0) return;
    if (this.ctx.store.mailboxAfter(officer.key, this.#cursor, 1).length > 0) return;
    if (this.ctx.store.receiptsAfter(officer.key, this.#receiptCursor, 1).length > 0) return;
    for (const rid of this.#drainWaiters.splice(0)) this.#reply({ type: 'drained', rid });
  }

  // ---- outgoing -----------------------------------------------------------------------------------

  /** Sends the next mailbox entries, in stored order, up to the delivery window. */
  pumpDeliveries(): void {
    const officer = this.#officer;
    if (officer === null || this.#closed) return;
    const room = this.ctx.limits.deliveryWindow - this.#inFlight.size;
    if (room <= 0) return;
    for (const row of this.ctx.store.mailboxAfter(officer.key, this.#cursor, room)) {
      this.#cursor = row.seq;
      if (this.#inFlight.has(row.id)) continue;
      this.#inFlight.add(row.id);
      this.#reply({ type: 'deliver', id: row.id, from: refFromKey(row.sender), envelope: toBase64url(row.body), storedAt: iso(row.storedAt) });
    }
    this.#answerDrained();
  }

  pumpReceipts(): void {
    const officer = this.#officer;
    if (officer === null || this.#closed) return;
    const room = RECEIPT_WINDOW - this.#receiptsInFlight.size;
    if (room <= 0) return;
    for (const r of this.ctx.store.receiptsAfter(officer.key, this.#receiptCursor, room)) {
      this.#receiptCursor = r.seq;
      this.#receiptsInFlight.add(`${r.id}|${r.recipient}`);
      this.#reply({ type: 'receipt', id: r.id, to: refFromKey(r.recipient), state: r.state, at: iso(r.at) });
    }
    this.#answerDrained();
  }

  #reply(frame: ServerFrame): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(frame));
  }

  #error(err: unknown, ref: { id?: string; rid?: number; retryAfterMs?: number }): void {
    const e = err instanceof EntenteError ? err : sqliteCode(err) !== null ? storageError(err) : new EntenteError('internal', 'the relay failed to handle this frame');
    if (!(err instanceof EntenteError)) this.ctx.logger.log('error', 'internal_error', { conn: this.id, code: e.code, error: err instanceof Error ? err.name : 'unknown' });
    const frame: ErrorFrame = { type: 'error', code: e.code, message: e.message.slice(0, 500), ...ref, ...(e instanceof RelayAuthError ? { reason: e.reason } : {}) };
    this.#reply(frame);
  }

  /** A refused frame: answered, counted, and the connection closed when they keep coming. */
  #strike(err: unknown, ref: { id?: string; rid?: number; retryAfterMs?: number }): void {
    this.#strikes += 1;
    this.ctx.logger.log('warn', 'frame_refused', { conn: this.id, officer: this.#officer?.key ?? null, code: err instanceof EntenteError ? err.code : 'internal', strikes: this.#strikes });
    this.#error(err, ref);
    if (this.#strikes >= this.ctx.limits.maxStrikes) this.close(1008, 'too many refused frames');
  }

  #onClose(code: number): void {
    this.#closed = true;
    clearTimeout(this.#authTimer);
    this.ctx.connections.delete(this);
    const officer = this.#officer;
    if (officer !== null && this.ctx.officers.get(officer.key) === this) this.ctx.officers.delete(officer.key);
    this.ctx.logger.log('info', 'connection_closed', { conn: this.id, officer: officer?.key ?? null, code });
  }
}
