import { readFile, stat } from 'node:fs/promises';
import type { CustomScheme, Protocol } from 'electron';
import { rendererCsp } from '../core/csp';
import { contentTypeFor } from '../core/static-path';
import { APP_SCHEME } from './app-origin';
import { resolveRendererPath } from './renderer-path';

/**
 * standard: a real origin and relative URL resolution; secure: a secure context like https;
 * supportFetchAPI: Vite's `<script type="module" crossorigin>` loads are CORS-mode fetches.
 * corsEnabled stays off, so no other origin can read app:// responses.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/** Sent with every app:// response, errors included. IPC is the only channel, so connect-src is 'none'. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': rendererCsp(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

const refuse = (status: number, text: string): Response =>
  new Response(text, { status, headers: appResponseHeaders('text/plain; charset=utf-8') });

/**
 * Serves one app:// request from the built renderer in `root`; anything but a GET of a file there is
 * refused. Takes only method and URL, so tests can hand it raw URLs that a Request would normalise.
 */
export async function serveRendererRequest(request: Pick<Request, 'method' | 'url'>, root: string): Promise<Response> {
  if (request.method !== 'GET') return refuse(405, 'Method not allowed');
  const file = resolveRendererPath(request.url, root);
  if (file === null) return refuse(404, 'Not found');
  try {
    const info = await stat(file);
    if (!info.isFile()) return refuse(404, 'Not found');
    const body = await readFile(file);
    return new Response(new Uint8Array(body), { status: 200, headers: appResponseHeaders(contentTypeFor(file)) });
  } catch {
    return refuse(404, 'Not found');
  }
}

/** Must run before the app is ready: Chromium fixes scheme privileges at start-up. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, root: string): void {
  protocol.handle(APP_SCHEME, (request) => serveRendererRequest(request, root));
}
