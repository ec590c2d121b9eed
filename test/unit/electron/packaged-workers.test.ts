import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { verifyChain } from '../../../main/audit/verify';
import { WORKER_FILE, builtWorkerScript } from '../../../main/audit/verify-worker-client';
import { KDF_WORKER_FILE, builtKdfWorker, deriveInWorker, offThreadDeriveKey } from '../../../main/crypto/kdf-worker-client';
import { KDF_PARAMS, KDF_SALT_BYTES, deriveKey, sodiumReady } from '../../../main/crypto/sodium';
import type { Profile } from '../../../main/identity/profile';
import { tempDir } from '../../helpers/tmp';
import { auditProfile, noteEvent } from '../audit/helpers';

/**
 * The Electron app's worker threads as the build makes them (`npm run build` first) and as a packaged
 * app holds them: the Electron binary cannot run here, so this copies the unpacked files into the
 * layout electron-builder gives them (resources/app.asar.unpacked/dist/main/app/, with no app.asar
 * and no node_modules anywhere above) and starts each from where the clients look for it, given the
 * main bundle's URL inside app.asar. That is what an installed app does, short of Electron itself.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const APP = join(ROOT, 'dist', 'main', 'app');
/** What electron-builder.yml unpacks (builder-config.test.ts checks the list). */
const UNPACKED = [KDF_WORKER_FILE, WORKER_FILE, 'package.json'];

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const salt = new Uint8Array(KDF_SALT_BYTES).fill(3);
const params = KDF_PARAMS.INTERACTIVE;

let tmp: ReturnType<typeof tempDir>;
let resources: string;
/** The main bundle's import.meta.url in the packaged app. */
let packagedMain: string;

beforeAll(async () => {
  for (const f of [...UNPACKED, 'main.js']) {
    if (!existsSync(join(APP, f))) throw new Error(`dist/main/app/${f} is missing: run \`npm run build\` first`);
  }
  await sodiumReady();
  tmp = tempDir('entente-packaged-');
  resources = join(tmp.path, 'resources');
  const unpacked = join(resources, 'app.asar.unpacked', 'dist', 'main', 'app');
  mkdirSync(unpacked, { recursive: true });
  for (const f of UNPACKED) copyFileSync(join(APP, f), join(unpacked, f));
  packagedMain = pathToFileURL(join(resources, 'app.asar', 'dist', 'main', 'app', 'main.js')).href;
});
afterAll(() => tmp.remove());

describe('the packaged app’s worker threads', () => {
  it('are copied where nothing above them provides packages or a module type', () => {
    const above: string[] = [];
    for (let dir = resources; dirname(dir) !== dir; dir = dirname(dir)) above.push(join(dir, 'node_modules'), join(dir, 'package.json'));
    expect(above.filter((p) => existsSync(p))).toEqual([]);
    expect(existsSync(join(resources, 'app.asar'))).toBe(false);
  });

  it('the KDF worker is found in app.asar.unpacked and derives the key this thread derives', async () => {
    const url = builtKdfWorker(packagedMain);
    expect(url?.href).toBe(pathToFileURL(join(resources, 'app.asar.unpacked', 'dist', 'main', 'app', KDF_WORKER_FILE)).href);
    const expected = hex(await deriveKey(new TextEncoder().encode('pass'), salt, params));
    const key = await deriveInWorker({ kind: 'file', url: url as URL }, new TextEncoder().encode('pass'), salt, params);
    expect(hex(key)).toBe(expected);
    // The way the desktop's Service uses it: no fallback.
    const reasons: string[] = [];
    const derive = offThreadDeriveKey({ locate: async () => ({ kind: 'file', url: url as URL }), onFallback: (r) => reasons.push(r) });
    expect(hex(await derive(new TextEncoder().encode('pass'), salt, params))).toBe(expected);
    expect(reasons).toEqual([]);
  }, 30_000);

  it('needs no node_modules: the Node build of the same worker (packages external) fails there', async () => {
    const layout = join(tmp.path, 'node-build', 'resources', 'app.asar.unpacked', 'dist', 'main', 'app');
    mkdirSync(layout, { recursive: true });
    copyFileSync(join(ROOT, 'dist', 'main', KDF_WORKER_FILE), join(layout, KDF_WORKER_FILE));
    copyFileSync(join(APP, 'package.json'), join(layout, 'package.json'));
    await expect(deriveInWorker({ kind: 'file', url: pathToFileURL(join(layout, KDF_WORKER_FILE)) }, new TextEncoder().encode('pass'), salt, params)).rejects.toThrow(/libsodium/);
  }, 30_000);

  it('loads as an ES module whatever package.json sits above the install folder, thanks to its own', async () => {
    const start = async (withOwn: boolean) => {
      const top = join(tmp.path, withOwn ? 'own' : 'none', 'resources');
      const layout = join(top, 'app.asar.unpacked', 'dist', 'main', 'app');
      mkdirSync(layout, { recursive: true });
      writeFileSync(join(top, 'package.json'), '{"type":"commonjs"}\n');
      copyFileSync(join(APP, KDF_WORKER_FILE), join(layout, KDF_WORKER_FILE));
      if (withOwn) copyFileSync(join(APP, 'package.json'), join(layout, 'package.json'));
      return deriveInWorker({ kind: 'file', url: pathToFileURL(join(layout, KDF_WORKER_FILE)) }, new TextEncoder().encode('pass'), salt, params);
    };
    expect(await start(true)).toHaveLength(32);
    await expect(start(false)).rejects.toThrow(/import statement outside a module/);
  }, 30_000);

  it('a bundle in an archive without the unpacked workers finds none, so the fallback is taken and logged', async () => {
    const bare = pathToFileURL(join(tmp.path, 'elsewhere', 'app.asar', 'dist', 'main', 'app', 'main.js')).href;
    expect(builtKdfWorker(bare)).toBeNull();
    expect(builtWorkerScript(bare)).toBeNull();
  });

  describe('the audit verify worker', () => {
    let dir: ReturnType<typeof tempDir>;
    let profile: Profile;
    let n: number;
    beforeAll(async () => {
      dir = tempDir();
      profile = await auditProfile(join(dir.path, 'p'));
      profile.db.transaction(() => {
        for (let i = 0; i < 300; i++) profile.audit.record(noteEvent(i));
      });
      n = profile.auditLog.head().seq;
    });
    afterAll(() => {
      profile.lock();
      dir.remove();
    });

    it('is found in app.asar.unpacked and checks the whole chain', () => {
      const url = builtWorkerScript(packagedMain);
      expect(url?.href).toBe(pathToFileURL(join(resources, 'app.asar.unpacked', 'dist', 'main', 'app', WORKER_FILE)).href);
      const chain = verifyChain(profile.db.connection, { workerScript: url, workerMinEntries: 0 });
      expect(chain.problem).toBeNull();
      expect(chain.inWorker).toBe(n);
    });

    it('is found beside every built bundle that verifies, and works there', () => {
      for (const bundle of ['main/app/main.js', 'main/eval.js', 'cli/entente.js']) {
        const base = pathToFileURL(resolve(ROOT, 'dist', bundle)).href;
        const url = builtWorkerScript(base);
        expect(url?.href, bundle).toBe(new URL(`./${WORKER_FILE}`, base).href);
        expect(verifyChain(profile.db.connection, { workerScript: url, workerMinEntries: 0 }).inWorker, bundle).toBe(n);
      }
    });
  });

  it('the KDF worker is found beside every built bundle that unlocks profiles, and works there', async () => {
    for (const bundle of ['main/app/main.js', 'main/eval.js']) {
      const base = pathToFileURL(resolve(ROOT, 'dist', bundle)).href;
      const url = builtKdfWorker(base);
      expect(url?.href, bundle).toBe(new URL(`./${KDF_WORKER_FILE}`, base).href);
      const key = await deriveInWorker({ kind: 'file', url: url as URL }, new TextEncoder().encode('pass'), salt, params);
      expect(hex(key), bundle).toBe(hex(await deriveKey(new TextEncoder().encode('pass'), salt, params)));
    }
  }, 30_000);
});
