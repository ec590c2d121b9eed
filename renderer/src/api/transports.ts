import { BridgeEvent, BridgeResponse, BRIDGE_MAX_FRAME_BYTES } from '../../../shared/api/bridge-frames';
import type { CallName } from '../../../shared/api/contract';
import type { AppEvent } from '../../../shared/api/events';
import type { Transport } from './client';

/** Main's events as the views hear them; returns the function that stops listening. */
export type EventFeed = (listener: (event: AppEvent) => void) => () => void;

/** The preload's surface in Electron: one function per call, each resolving with a CallResult, and the event feed. */
export type PreloadApi = Record<CallName, (input: unknown) => Promise<unknown>> & { onEvent: EventFeed };

/** How the renderer talks to main: calls one way, events the other. */
export interface Connection {
  transport: Transport;
  events: EventFeed;
}

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

/**
 * The browser bridge: one WebSocket, requests matched to answers by id, events pushed by main. It
 * opens on the first call and again on the next call after it closed; whoever listens for events
 * also calls (the desktop's status check does), so a dropped socket comes back within that period.
 */
export function bridgeConnection(wsUrl: string): Connection {
  let socket: WebSocket | null = null;
  let opening: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(event: AppEvent) => void>();

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
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        const pushed = BridgeEvent.safeParse(data);
        if (pushed.success) {
          for (const l of [...listeners]) l(pushed.data.event);
          return;
        }
        const parsed = BridgeResponse.safeParse(data);
        if (!parsed.success || parsed.data.id === null) return;
        const waiter = pending.get(parsed.data.id);
        pending.delete(parsed.data.id);
        waiter?.resolve(parsed.data.result);
      };
    });
    return opening;
  };

  const transport: Transport = async (name, input) => {
    const ws = await open();
    const id = nextId++;
    const frame = JSON.stringify({ id, call: name, input: input ?? {} });
    if (frame.length > BRIDGE_MAX_FRAME_BYTES) throw new Error('The request is too large.');
    return new Promise<unknown>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      ws.send(frame);
    });
  };
  const events: EventFeed = (listener) => {
    listeners.add(listener);
    // Events only flow on an open socket: listening opens it.
    void open().catch(() => undefined);
    return () => void listeners.delete(listener);
  };
  return { transport, events };
}

/** Electron's preload when present; otherwise the bridge this page was served from. */
export function pickConnection(win: Window): Connection {
  if (win.entente) return { transport: ipcTransport(win.entente), events: win.entente.onEvent };
  const token = takeBridgeToken(win.location, win.sessionStorage, win.history);
  const url = new URL('/api', win.location.href);
  url.protocol = 'ws:';
  url.hash = '';
  url.search = `?token=${encodeURIComponent(token ?? '')}`;
  return bridgeConnection(url.toString());
}
