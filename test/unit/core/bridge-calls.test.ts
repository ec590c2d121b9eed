import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startBridge, type Bridge } from '../../../main/bridge/server';
import { desktop, removePristineDemo, type Desktop } from '../../helpers/desktop';

/**
 * The same calls over the browser bridge's WebSocket, as the renderer in Chromium makes them: a demo
 * profile unlocked, a page of notes with a redaction after the ceiling is lowered, the withheld body
 * refused, hostile frames answered with a code.
 */
const NATO = '1.3.26.1.3.1';

let d: Desktop;
let bridge: Bridge;
let ws: WebSocket;
let nextId = 1;

beforeAll(async () => {
  d = await desktop();
  const staticDir = join(d.root, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  bridge = await startBridge({ handlers: d.service, staticDir });
  ws = await new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${bridge.port}/api?token=${encodeURIComponent(bridge.token)}`, { headers: { Origin: bridge.origin } });
    socket.on('open', () => resolve(socket));
    socket.on('error', reject);
  });
}, 120_000);
afterAll(async () => {
  ws.close();
  await bridge.close();
  await d.close();
  removePristineDemo();
});

function frame(raw: string): Promise<{ id: number | null; result: { ok: boolean; value?: never; error?: { code: string } } }> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(data.toString())));
    ws.send(raw);
  });
}

async function call(name: string, input: unknown = {}): Promise<{ ok: boolean; value?: never; error?: { code: string } }> {
  const id = nextId++;
  const answer = await frame(JSON.stringify({ id, call: name, input }));
  expect(answer.id).toBe(id);
  return answer.result;
}

describe('desktop calls over the bridge', () => {
  it('unlocks, pages, redacts after the ceiling is lowered, and refuses the withheld body', async () => {
    expect((await call('notes.page', { channelId: d.manifest.channelId })).error?.code).toBe('profile_locked');
    const unlocked = await call('profile.unlock', { profileId: 'demo:alex', passphrase: 'alex demo passphrase' });
    expect(unlocked).toMatchObject({ ok: true, value: { state: 'unlocked', profileId: 'demo:alex' } });
    expect((await call('settings.set', { ceiling: { policyId: NATO, classification: 3 } })).ok).toBe(true);
    const page = await call('notes.page', { channelId: d.manifest.channelId });
    const notes = (page.value as unknown as { notes: { noteId: string; kind: string; label: { classification: number }; display: { show: boolean; reasons?: { code: string }[] } }[] }).notes;
    const secret = notes.find((n) => n.label.classification === 4);
    const restricted = notes.find((n) => n.kind === 'note' && n.label.classification === 2);
    expect(secret?.display).toMatchObject({ show: false, reasons: [{ code: 'above_workstation_ceiling' }] });
    expect((await call('notes.body', { noteId: secret?.noteId })).error?.code).toBe('note_withheld');
    expect(await call('notes.body', { noteId: restricted?.noteId })).toMatchObject({ ok: true, value: { body: 'Coordination meeting moved to Thursday 09:00, room B-12.' } });
    expect((await call('profile.lock')).ok).toBe(true);
  });

  it('answers hostile frames with a code', async () => {
    expect((await call('__proto__')).error?.code).toBe('unknown_call');
    expect((await call('notes.page', { channelId: 'x'.repeat(5000) })).error?.code).toBe('invalid_input');
    expect((await call('profile.unlock', { profileId: 'demo:../../alex', passphrase: 'x' })).error?.code).toBe('invalid_input');
    expect((await call('audit.export', { name: '../../outside' })).error?.code).toBe('invalid_input');
    const junk = await frame('{"id": 5, "call": "profiles.list", "input": {}, "extra": true}');
    expect(junk).toEqual({ id: null, result: { ok: false, error: { code: 'invalid_input', message: expect.any(String) } } });
  });
});
