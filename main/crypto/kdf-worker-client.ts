import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { builtWorkerUrl } from '../workers/unpacked-path';
import { deriveKey, wipe, type KdfParams } from './sodium';

/**
 * Argon2id off the main thread (kdf-worker.ts). The desktop app's main process serves every API
 * call and, in Electron, the window's event loop: a one-second synchronous derivation there would
 * freeze both. Each derivation gets a fresh worker, ended as soon as it answers, so the 256 MiB
 * libsodium grows its heap to is given back at once instead of staying with an idle thread.
 *
 * Where the worker comes from:
 *  - built: `kdf-worker.js` next to the running bundle (scripts/build.mjs puts one beside the
 *    Electron main bundle and one beside the evaluation-mode bundle); in the packaged app, the copy
 *    electron-builder unpacks to `app.asar.unpacked` (workers/unpacked-path.ts);
 *  - from the sources (vitest, a checkout without a build): kdf-worker.ts bundled now, in memory,
 *    with esbuild (a development dependency, present wherever the sources run) and run as an eval
 *    worker. Nothing is written to disk.
 * When neither works, the derivation runs in this thread (still behind a promise) and `onFallback`
 * says so: unlocking must never become impossible because a thread could not start.
 */

export type DeriveKey = (passphrase: Uint8Array, salt: Uint8Array, params: KdfParams, length?: number) => Promise<Uint8Array>;

/** The built worker's file name, next to each bundle that unlocks profiles. */
export const KDF_WORKER_FILE = 'kdf-worker.js';

export type KdfWorkerSource = { kind: 'file'; url: URL } | { kind: 'eval'; code: string };

/** The worker built next to the running bundle (unpacked from app.asar when packaged); null when running from the sources. */
export function builtKdfWorker(base: string = import.meta.url): URL | null {
  return builtWorkerUrl(KDF_WORKER_FILE, base);
}

let fromSources: Promise<string | null> | null = null;

/** kdf-worker.ts bundled whole (libsodium included) as CommonJS text; null outside the sources. */
function bundleFromSources(): Promise<string | null> {
  fromSources ??= (async () => {
    if (!import.meta.url.endsWith('.ts')) return null;
    try {
      const { build } = await import('esbuild');
      const entry = fileURLToPath(new URL('./kdf-worker.ts', import.meta.url));
      const result = await build({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, logLevel: 'silent' });
      return result.outputFiles[0]?.text ?? null;
    } catch {
      return null;
    }
  })();
  return fromSources;
}

/** Where this process finds its KDF worker, if anywhere. */
export async function locateKdfWorker(): Promise<KdfWorkerSource | null> {
  const built = builtKdfWorker();
  if (built !== null) return { kind: 'file', url: built };
  const code = await bundleFromSources();
  return code === null ? null : { kind: 'eval', code };
}

interface Answer {
  ok: boolean;
  key?: unknown;
}

/** One derivation in a fresh worker; rejects when the worker cannot start, fails or exits without answering. */
export async function deriveInWorker(source: KdfWorkerSource, passphrase: Uint8Array, salt: Uint8Array, params: KdfParams, length = 32): Promise<Uint8Array> {
  const worker = source.kind === 'file' ? new Worker(source.url) : new Worker(source.code, { eval: true });
  const pass = Uint8Array.from(passphrase);
  try {
    return await new Promise<Uint8Array>((resolve, reject) => {
      worker.once('message', (m: Answer) => {
        if (m.ok && m.key instanceof Uint8Array && m.key.length === length) resolve(m.key);
        else reject(new Error('the KDF worker did not derive the key'));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the KDF worker exited (${code})`)));
      const s = Uint8Array.from(salt);
      // Transferred, not copied: the only copy of the passphrase outside the caller's goes with it.
      worker.postMessage({ id: 1, passphrase: pass, salt: s, opslimit: params.opslimit, memlimit: params.memlimit, length }, [pass.buffer, s.buffer]);
    });
  } finally {
    // Empty once transferred; still ours if postMessage never took it.
    if (pass.length > 0) wipe(pass);
    void worker.terminate();
  }
}

export interface OffThreadOptions {
  /** Default: locateKdfWorker(). */
  locate?: () => Promise<KdfWorkerSource | null>;
  /** Told when a derivation ran in this thread instead (no worker, or the worker failed). */
  onFallback?: (reason: 'no_worker' | 'worker_failed') => void;
}

/** A DeriveKey that runs in a worker thread when it can, and in this thread otherwise. */
export function offThreadDeriveKey(options: OffThreadOptions = {}): DeriveKey {
  const locate = options.locate ?? locateKdfWorker;
  return async (passphrase, salt, params, length = 32) => {
    const source = await locate();
    if (source === null) {
      options.onFallback?.('no_worker');
      return deriveKey(passphrase, salt, params, length);
    }
    try {
      return await deriveInWorker(source, passphrase, salt, params, length);
    } catch {
      options.onFallback?.('worker_failed');
      return deriveKey(passphrase, salt, params, length);
    }
  };
}
