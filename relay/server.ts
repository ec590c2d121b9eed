import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { WebSocketServer } from 'ws';
import { EntenteError } from '../shared/errors';
import { sodiumReady } from '../main/crypto/sodium';
import { RELAY_NONCE_BYTES } from '../main/transport/relay-auth';
import type { AgencyCardBody } from '../main/trust/objects';
import type { Signed } from '../main/trust/signed';
import { RelayAuthError } from './auth';
import { CommitQueue } from './commit-queue';
import { RelayConnection } from './connection';
import type { RelayContext } from './context';
import { openRelayDatabase } from './database';
import { Directory } from './directory';
import { limitsView, resolveLimits, type RelayLimits } from './limits';
import { jsonLineLogger, type RelayLogger } from './log';
import { EnvelopeStore, type SweepReport } from './store';
import { pinTrustCards } from './trust-cards';

export { loadTrustCards } from './trust-cards';
export { DEFAULT_LIMITS, type RelayLimits } from './limits';
export { jsonLineLogger, silentLogger, type RelayLogger } from './log';

const DAY_MS = 86_400_000;
export const DEFAULT_RETENTION_MS = 30 * DAY_MS;

export interface RelayOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Holds relay.db (+ -wal, -shm) and relay.lock; created 0700 if missing. */
  dataDir: string;
  /** The trust list: only officers of these agencies may connect (loadTrustCards reads the files). */
  trustCards: readonly Signed<AgencyCardBody>[];
  /** Undelivered envelopes are deleted after this long; default 30 days. */
  retentionMs?: number;
  limits?: Partial<RelayLimits>;
  /** Default: JSON lines on stderr at level info. */
  logger?: RelayLogger;
  /** What clients sign in their login; default "ws://HOST:PORT" as bound. Set it behind a proxy or on 0.0.0.0. */
  relayId?: string;
  /** Retention sweep period; default one hour (it also runs at start). */
  sweepIntervalMs?: number;
  /** The clock (tests of retention and validity). */
  now?: () => number;
}

export interface RelaySweepReport extends SweepReport {
  directory: { credentials: number; prekeys: number };
}

export interface RelayHealth {
  status: 'ok' | 'stopping';
  connections: number;
  officers: number;
  envelopes: number;
  mailbox: number;
  receipts: number;
  pendingCommits: number;
  uptimeSeconds: number;
}

export interface RunningRelay {
  /** http://HOST:PORT (GET /healthz). */
  url: string;
  /** ws://HOST:PORT, where clients connect. */
  wsUrl: string;
  port: number;
  relayId: string;
  health(): RelayHealth;
  /** Runs the retention sweep now. */
  sweep(): Promise<RelaySweepReport>;
  /** Graceful stop: refuse new connections, finish commits, close sockets with 1001, close the database. */
  close(): Promise<void>;
}

/** Starts the store-and-forward relay (docs/RELAY.md). */
export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  await sodiumReady();
  const limits = resolveLimits(options.limits);
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  if (!Number.isInteger(retentionMs) || retentionMs <= 0) throw new EntenteError('invalid_input', 'the retention period must be a positive number of milliseconds');
  const agencies = pinTrustCards(options.trustCards);
  const logger = options.logger ?? jsonLineLogger();
  const now = options.now ?? Date.now;
  const started = Date.now();

  const rdb = openRelayDatabase(options.dataDir, limits.maxDatabaseBytes);
  let directory: Directory;
  try {
    directory = new Directory(rdb.db, agencies);
  } catch (err) {
    rdb.close();
    throw err;
  }
  const queue = new CommitQueue(rdb.db, (err, operations) => logger.log('error', 'commit_failed', { code: err.code, operations }));
  const ctx: RelayContext = {
    relayId: options.relayId ?? '',
    limits,
    limitsView: limitsView(limits),
    retentionMs,
    trust: { agencies, isRevoked: directory.isRevoked },
    store: new EnvelopeStore(rdb.db),
    directory,
    queue,
    logger,
    now,
    connections: new Set(),
    officers: new Map(),
    closing: false,
    enforceRevocations: () => {
      for (const conn of [...ctx.officers.values()]) {
        const o = conn.officer;
        if (o !== null && directory.isRevoked(o.agency, o.serial)) conn.terminateWith(new RelayAuthError('credential_revoked', `${o.agency} revoked the credential with serial ${o.serial}`), 1008);
      }
    },
  };

  const sweep = async (): Promise<RelaySweepReport> => {
    const at = now();
    const report = await queue.submit(() => ({ ...ctx.store.sweep(at, retentionMs), directory: directory.sweep(at) }));
    logger.log('info', 'sweep', { expiredMailbox: report.expiredMailbox, expiredEnvelopes: report.expiredEnvelopes, expiredReceipts: report.expiredReceipts, forgottenIds: report.forgottenIds, expiredCredentials: report.directory.credentials, expiredPrekeys: report.directory.prekeys });
    for (const s of report.senders) ctx.officers.get(s)?.pumpReceipts();
    for (const conn of [...ctx.officers.values()]) {
      const o = conn.officer;
      if (o !== null && o.notAfter <= at) conn.terminateWith(new RelayAuthError('credential_expired', `the credential of ${o.officerId} has expired`), 1008);
    }
    return report;
  };

  let counter = 0;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes * 2, perMessageDeflate: false });
  const server = createServer((req, res) => answerHttp(req, res));
  const answerHttp = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method === 'GET' && req.url === '/healthz') {
      let health: RelayHealth | { status: 'failing' };
      try {
        health = report();
      } catch {
        // The database cannot be read: say so rather than crash.
        health = { status: 'failing' };
      }
      res.writeHead(health.status === 'ok' ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(health));
      return;
    }
    res.writeHead(404).end();
  };
  server.on('upgrade', (req, socket, head) => {
    const refuse = (status: number, text: string) => socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if ((req.url ?? '/').split('?')[0] !== '/') return refuse(404, 'Not Found');
    if (ctx.closing || ctx.connections.size >= limits.maxConnections) return refuse(503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => {
      counter += 1;
      const conn = new RelayConnection(`c${counter.toString(36)}`, ws, ctx, new Uint8Array(randomBytes(RELAY_NONCE_BYTES)));
      ctx.connections.add(conn);
      logger.log('info', 'connection_opened', { conn: conn.id, remote: req.socket.remoteAddress ?? null });
    });
  });

  const report = (): RelayHealth => ({
    status: ctx.closing ? 'stopping' : 'ok',
    connections: ctx.connections.size,
    officers: ctx.officers.size,
    ...(ctx.closing ? { envelopes: 0, mailbox: 0, receipts: 0 } : ctx.store.counts()),
    pendingCommits: queue.pending,
    uptimeSeconds: Math.floor((Date.now() - started) / 1000),
  });

  try {
    await sweep();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
  } catch (err) {
    rdb.close();
    throw err instanceof EntenteError ? err : new EntenteError('relay_unavailable', `the relay could not listen on ${options.host}:${options.port} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('relay did not bind a TCP port');
  const hostPart = options.host.includes(':') ? `[${options.host}]` : options.host;
  const wsUrl = `ws://${hostPart}:${address.port}`;
  ctx.relayId = options.relayId ?? wsUrl;

  const sweepTimer = setInterval(() => void sweep().catch(() => {}), options.sweepIntervalMs ?? 3_600_000);
  const pingTimer = setInterval(() => {
    for (const conn of ctx.connections) conn.heartbeat();
  }, limits.pingIntervalMs);
  sweepTimer.unref();
  pingTimer.unref();
  logger.log('info', 'relay_started', { url: wsUrl, relayId: ctx.relayId, agencies: agencies.size, retentionMs });

  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    ctx.closing = true;
    clearInterval(sweepTimer);
    clearInterval(pingTimer);
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    // Whatever was received before the stop is committed, and answered, before sockets close.
    await queue.drain();
    for (const conn of ctx.connections) conn.close(1001, 'relay shutting down');
    const deadline = Date.now() + 2000;
    while (ctx.connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    server.closeAllConnections();
    await stopped;
    rdb.close();
    logger.log('info', 'relay_stopped', {});
  };

  return {
    url: `http://${hostPart}:${address.port}`,
    wsUrl,
    port: address.port,
    relayId: ctx.relayId,
    health: report,
    sweep,
    close: () => (closing ??= close()),
  };
}
