import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import WebSocket from 'ws';
import type { AppEvent } from '../../../shared/api/events';
import { EventHub } from '../../../main/core/event-hub';
import { startBridge, type Bridge } from '../../../main/bridge/server';
import { makeService } from '../../helpers/service';
import { tempDir } from '../../helpers/tmp';

let dir: ReturnType<typeof tempDir>;
let bridge: Bridge;
const hub = new EventHub();

beforeAll(async () => {
  dir = tempDir();
  const staticDir = join(dir.path, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dir.path, 'outside.txt'), 'must not be served');
  bridge = await startBridge({ handlers: makeService(dir.path), staticDir, events: (listener) => hub.on(listener) });
});
afterAll(async () => {
  await bridge.close();
  dir.remove();
});

const apiUrl = (token: string) => `ws://127.0.0.1:${bridge.port}/api?token=${encodeURIComponent(token)}`;

/** Resolves with the HTTP status the server answered the upgrade with, or 101 when it was accepted. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', (err) => reject(err));
  });
}

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(apiUrl(bridge.token), { headers: { Origin: bridge.origin } });
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

function exchange(ws: WebSocket, frame: string): Promise<unknown> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(data.toString())));
    ws.send(frame);
  });
}

function httpGet(path: string, host = `127.0.0.1:${bridge.port}`): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: bridge.port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser bridge', () => {
  it('binds loopback only and puts the token in the fragment', () => {
    expect(bridge.origin).toBe(`http://127.0.0.1:${bridge.port}`);
    expect(bridge.url).toBe(`${bridge.origin}/#token=${bridge.token}`);
    expect(bridge.token.length).toBeGreaterThanOrEqual(43);
  });

  it('refuses a connection without the token or with a wrong one', async () => {
    expect(await upgradeStatus(`ws://127.0.0.1:${bridge.port}/api`, { Origin: bridge.origin })).toBe(401);
    expect(await upgradeStatus(apiUrl('wrong'), { Origin: bridge.origin })).toBe(401);
    // One character off (never the same character, or the "wrong" token would be the right one).
    const last = bridge.token.slice(-1) === 'A' ? 'B' : 'A';
    expect(await upgradeStatus(apiUrl(`${bridge.token.slice(0, -1)}${last}`), { Origin: bridge.origin })).toBe(401);
  });

  it('refuses a connection from another origin, even with the token', async () => {
    for (const origin of ['http://evil.example', 'http://localhost:' + bridge.port, 'null', 'app://entente']) {
      expect(await upgradeStatus(apiUrl(bridge.token), { Origin: origin })).toBe(403);
    }
    expect(await upgradeStatus(apiUrl(bridge.token), {})).toBe(403);
  });

  it('refuses a rebinding Host name and other paths', async () => {
    expect(await upgradeStatus(apiUrl(bridge.token), { Origin: bridge.origin, Host: 'evil.example' })).toBe(404);
    expect(await upgradeStatus(`ws://127.0.0.1:${bridge.port}/other?token=${bridge.token}`, { Origin: bridge.origin })).toBe(404);
    expect((await httpGet('/', 'evil.example')).status).toBe(421);
  });

  it('serves the same Service over the socket', async () => {
    const ws = await connect();
    expect(await exchange(ws, JSON.stringify({ id: 1, call: 'appInfo', input: {} }))).toEqual({
      id: 1,
      result: { ok: true, value: { name: 'Entente', version: '0.0.0-test', mode: 'bridge', platform: 'linux' } },
    });
    expect(await exchange(ws, JSON.stringify({ id: 2, call: 'setPrefs', input: { language: 'fr' } }))).toEqual({
      id: 2,
      result: { ok: true, value: { language: 'fr', theme: 'system' } },
    });
    ws.close();
  });

  it('answers malformed frames with a coded error and keeps serving', async () => {
    const ws = await connect();
    for (const frame of ['not json', '{"id":-1,"call":"appInfo"}', '{"id":1}', '[]', '{"id":3,"call":"appInfo","input":{},"x":1}']) {
      expect(await exchange(ws, frame)).toMatchObject({ id: null, result: { ok: false, error: { code: 'invalid_input' } } });
    }
    expect(await exchange(ws, JSON.stringify({ id: 4, call: 'deleteEverything', input: {} }))).toMatchObject({
      id: 4,
      result: { ok: false, error: { code: 'unknown_call' } },
    });
    expect(await exchange(ws, JSON.stringify({ id: 5, call: 'setPrefs', input: { theme: 'neon' } }))).toMatchObject({
      id: 5,
      result: { ok: false, error: { code: 'invalid_input' } },
    });
    expect(await exchange(ws, JSON.stringify({ id: 6, call: 'getPrefs', input: {} }))).toMatchObject({ id: 6, result: { ok: true } });
    ws.close();
  });

  it('closes a connection that sends an oversized frame', async () => {
    const ws = await connect();
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
  });

  it('serves the renderer with its security headers and nothing outside it', async () => {
    const index = await httpGet('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toContain(`connect-src ws://127.0.0.1:${bridge.port}`);
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect((await httpGet('/../outside.txt')).status).toBe(404);
    expect((await httpGet('/%2e%2e/outside.txt')).status).toBe(404);
    expect((await httpGet('/assets')).status).toBe(404);
  });

  it('pushes main’s events to every connected page as event frames, and to none after close', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    const got = (ws: WebSocket) => new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
    const pending = [got(a), got(b)];
    const event: AppEvent = { kind: 'notes.changed', channelIds: ['c1'] };
    hub.emit(event);
    expect(await Promise.all(pending)).toEqual([{ event }, { event }]);
    a.close();
    b.close();
  });

  it('a refused connection hears no events', async () => {
    const heard: string[] = [];
    const stranger = new WebSocket(apiUrl('wrong-token'), { headers: { Origin: bridge.origin } });
    stranger.on('message', (data) => heard.push(data.toString()));
    await new Promise<void>((resolve) => {
      stranger.on('unexpected-response', () => resolve());
      stranger.on('error', () => resolve());
    });
    hub.emit({ kind: 'session.locked' });
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual([]);
  });
});
