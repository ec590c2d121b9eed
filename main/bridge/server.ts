import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { BRIDGE_MAX_FRAME_BYTES, BridgeRequest, type BridgeEvent, type BridgeResponse } from '../../shared/api/bridge-frames';
import type { AppEvent } from '../../shared/api/events';
import { dispatch, type Logger } from '../core/dispatch';
import type { Handlers } from '../core/service';
import { rendererCsp } from '../core/csp';
import { contentTypeFor, resolveStaticPath } from '../core/static-path';

export interface BridgeOptions {
  handlers: Handlers;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  port?: number;
  log?: Logger;
  /** Main's events (Service.onEvent), pushed to every page holding the token. */
  events?: (listener: (event: AppEvent) => void) => () => void;
}

export interface Bridge {
  /** The page to open; the token travels in the fragment, which browsers never send to a server. */
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
export const BRIDGE_API_PATH = '/api';

/**
 * Evaluation mode's transport: the same Service as Electron's IPC, over a WebSocket on loopback.
 * Only a page from this server's own origin holding this launch's token may call it; the Host check
 * stops DNS-rebinding pages from reaching it under another name.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const log = options.log ?? (() => {});
  const token = randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  let origin = '';
  let hostHeader = '';

  const staticHeaders = (): Record<string, string> => ({
    'Content-Security-Policy': rendererCsp([`ws://${hostHeader}`]),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });

  const serveStatic = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.headers.host !== hostHeader) return void res.writeHead(421).end();
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const file = resolveStaticPath(options.staticDir, pathname);
    let size: number | null = null;
    try {
      if (file !== null) {
        const stat = statSync(file);
        if (stat.isFile()) size = stat.size;
      }
    } catch {
      size = null;
    }
    if (file === null || size === null) return void res.writeHead(404, staticHeaders()).end();
    res.writeHead(200, { ...staticHeaders(), 'Content-Type': contentTypeFor(file), 'Content-Length': String(size) });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: BRIDGE_MAX_FRAME_BYTES });
  // Only sockets that passed the upgrade checks are in wss.clients: the token holders.
  const stopEvents =
    options.events?.((event) => {
      const frame = JSON.stringify({ event } satisfies BridgeEvent);
      for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(frame);
    }) ?? (() => {});
  const server = createServer(serveStatic);

  const refuse = (socket: Duplex, status: number, reason: string): void => {
    log('bridge_refused', { status, reason });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    if (req.headers.host !== hostHeader || url.pathname !== BRIDGE_API_PATH) return refuse(socket, 404, 'Not Found');
    if (req.headers.origin !== origin) return refuse(socket, 403, 'Forbidden');
    const offered = Buffer.from(url.searchParams.get('token') ?? '');
    if (offered.length !== tokenBytes.length || !timingSafeEqual(offered, tokenBytes)) return refuse(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws));
  });

  const serveConnection = (ws: WebSocket): void => {
    ws.on('message', (data, isBinary) => {
      void answer(ws, isBinary ? null : data.toString());
    });
    ws.on('error', () => ws.terminate());
  };

  const answer = async (ws: WebSocket, text: string | null): Promise<void> => {
    let request: BridgeRequest | null = null;
    try {
      const parsed = BridgeRequest.safeParse(text === null ? null : JSON.parse(text));
      if (parsed.success) request = parsed.data;
    } catch {
      request = null;
    }
    const response: BridgeResponse =
      request === null
        ? { id: null, result: { ok: false, error: { code: 'invalid_input', message: 'The request was not a valid Entente frame.' } } }
        : { id: request.id, result: await dispatch(options.handlers, request.call, request.input, log) };
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
  };

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolvePromise());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('bridge did not bind a TCP port');
  hostHeader = `${HOST}:${address.port}`;
  origin = `http://${hostHeader}`;

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    port: address.port,
    close: () =>
      new Promise<void>((resolveClose) => {
        stopEvents();
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
