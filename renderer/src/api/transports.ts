import { BridgeResponse, BRIDGE_MAX_FRAME_BYTES } from '../../../shared/api/bridge-frames';
import type { CallName } from '../../../shared/api/contract';
import type { Transport } from './client';

/** The preload's surface in Electron: one function per call, each resolving with a CallResult. */
export type PreloadApi = Record<CallName, (input: unknown) => Promise<unknown>>;

declare global {
  interface Window {
    entente?: PreloadApi;
  }
}

export function ipcTransport(preload: PreloadApi): Transport {
  return (name, input) => preload[name](input);
}

const TOKEN_KEY = 'entente.bridgeToken';

/**
 * The launch token arrives in the URL fragment; it is moved to session storage and removed from the
 * address bar so it is not left in history or shown in screenshots, yet survives a reload.
 */
export function takeBridgeToken(location: Location, storage: Storage, history: History): string | null {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    storage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return storage.getItem(TOKEN_KEY);
}

/** The browser bridge: one WebSocket, requests matched to answers by id, reconnect on demand. */
export function bridgeTransport(wsUrl: string): Transport {
  let socket: WebSocket | null = null;
  let opening: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  const failAll = (reason: string): void => {
    for (const p of pending.values()) p.reject(new Error(reason));
    pending.clear();
  };

  const open = (): Promise<WebSocket> => {
    if (socket?.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    opening ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(wsUrl);
      ws.onopen = () => {
        socket = ws;
        opening = null;
        resolve(ws);
      };
      ws.onerror = () => {
        opening = null;
        reject(new Error('The connection to Entente was refused.'));
      };
      ws.onclose = () => {
        socket = null;
        failAll('The connection to Entente was closed.');
      };
      ws.onmessage = (event: MessageEvent) => {
        if (typeof event.data !== 'string') return;
        let parsed: ReturnType<typeof BridgeResponse.safeParse>;
        try {
          parsed = BridgeResponse.safeParse(JSON.parse(event.data));
        } catch {
          return;
        }
        if (!parsed.success || parsed.data.id === null) return;
        const waiter = pending.get(parsed.data.id);
        pending.delete(parsed.data.id);
        waiter?.resolve(parsed.data.result);
      };
    });
    return opening;
  };

  return async (name, input) => {
    const ws = await open();
    const id = nextId++;
    const frame = JSON.stringify({ id, call: name, input: input ?? {} });
    if (frame.length > BRIDGE_MAX_FRAME_BYTES) throw new Error('The request is too large.');
    return new Promise<unknown>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      ws.send(frame);
    });
  };
}

/** Electron's preload when present; otherwise the bridge this page was served from. */
export function pickTransport(win: Window): Transport {
  if (win.entente) return ipcTransport(win.entente);
  const token = takeBridgeToken(win.location, win.sessionStorage, win.history);
  const url = new URL('/api', win.location.href);
  url.protocol = 'ws:';
  url.hash = '';
  url.search = `?token=${encodeURIComponent(token ?? '')}`;
  return bridgeTransport(url.toString());
}
