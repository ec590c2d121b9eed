import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KDF_PARAMS, KDF_SALT_BYTES, deriveKey, sodiumReady } from '../../../main/crypto/sodium';
import { KDF_WORKER_FILE, builtKdfWorker, deriveInWorker, locateKdfWorker, offThreadDeriveKey, type KdfWorkerSource } from '../../../main/crypto/kdf-worker-client';

/**
 * Argon2id in a worker thread (main/crypto/kdf-worker*.ts): the same key as in this thread, found from
 * the sources (bundled in memory) and from a build (a file beside the bundle), and this thread's event
 * loop keeps turning while it runs.
 */
const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const salt = new Uint8Array(KDF_SALT_BYTES).fill(7);
const params = KDF_PARAMS.INTERACTIVE;

let out: string;
let built: URL;
beforeAll(async () => {
  await sodiumReady();
  // Built as scripts/build.mjs builds it (ESM, packages external), beside node_modules so they resolve.
  mkdirSync(resolve('.tsbuild/unit'), { recursive: true });
  out = mkdtempSync(resolve('.tsbuild/unit/kdf-worker-'));
  await build({ entryPoints: [resolve('main/crypto/kdf-worker.ts')], outfile: join(out, KDF_WORKER_FILE), bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' });
  writeFileSync(join(out, 'bundle.js'), '');
  built = builtKdfWorker(pathToFileURL(join(out, 'bundle.js')).href) as URL;
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the KDF worker', () => {
  it('is found from the sources, bundled in memory, and derives the key this thread derives', async () => {
    const source = await locateKdfWorker();
    expect(source?.kind).toBe('eval');
    const expected = hex(await deriveKey(enc('pass'), salt, params));
    expect(hex(await deriveInWorker(source as KdfWorkerSource, enc('pass'), salt, params))).toBe(expected);
    expect(hex(await deriveInWorker(source as KdfWorkerSource, enc('pasS'), salt, params))).not.toBe(expected);
  }, 30_000);

  it('is found next to a built bundle and derives the same key', async () => {
    expect(built).not.toBeNull();
    expect(builtKdfWorker(pathToFileURL(join(out, 'nowhere', 'bundle.js')).href)).toBeNull();
    const key = await deriveInWorker({ kind: 'file', url: built }, enc('pass'), salt, params, 48);
    expect(hex(key)).toBe(hex(await deriveKey(enc('pass'), salt, params, 48)));
  }, 30_000);

  it('leaves the caller its passphrase and the event loop free while it works', async () => {
    const pass = enc('a passphrase the caller wipes itself');
    const derive = offThreadDeriveKey({ onFallback: () => expect.unreachable('no fallback expected') });
    await derive(enc('warm-up'), salt, params);
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 5);
    const t0 = performance.now();
    const key = await derive(pass, salt, { opslimit: 4, memlimit: params.memlimit });
    const ms = performance.now() - t0;
    clearInterval(timer);
    expect(key).toHaveLength(32);
    expect(new TextDecoder().decode(pass)).toBe('a passphrase the caller wipes itself');
    // In this thread the derivation would allow no tick at all until it finished.
    expect(ticks).toBeGreaterThanOrEqual(Math.min(5, Math.floor(ms / 20)));
  }, 30_000);

  it('falls back to this thread when the worker fails, and says so', async () => {
    const reasons: string[] = [];
    const broken = offThreadDeriveKey({ locate: async () => ({ kind: 'eval', code: 'throw new Error("broken")' }), onFallback: (r) => reasons.push(r) });
    const none = offThreadDeriveKey({ locate: async () => null, onFallback: (r) => reasons.push(r) });
    const expected = hex(await deriveKey(enc('pass'), salt, params));
    expect(hex(await broken(enc('pass'), salt, params))).toBe(expected);
    expect(hex(await none(enc('pass'), salt, params))).toBe(expected);
    expect(reasons).toEqual(['worker_failed', 'no_worker']);
  }, 30_000);

  it('refuses malformed requests instead of deriving something else', async () => {
    const source = (await locateKdfWorker()) as KdfWorkerSource;
    await expect(deriveInWorker(source, enc('pass'), new Uint8Array(8), params)).rejects.toThrow(/did not derive/);
    await expect(deriveInWorker(source, enc('pass'), salt, { opslimit: 1, memlimit: params.memlimit })).rejects.toThrow(/did not derive/);
    await expect(deriveInWorker(source, enc('pass'), salt, { opslimit: 2, memlimit: 8 * 1024 ** 4 })).rejects.toThrow(/did not derive/);
  }, 30_000);
});
