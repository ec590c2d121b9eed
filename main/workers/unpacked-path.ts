import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where a worker thread's script is found next to the running bundle, packaged or not.
 *
 * In the packaged app the bundles live inside `resources/app.asar`. Electron's patched `fs` lets the
 * main thread read files there, but a worker thread is started by Node from a real file, and the
 * worker bundles import as ES modules through Node's own loader: inside the archive that is not
 * something to rely on. electron-builder.yml therefore unpacks the worker bundles (`asarUnpack`) to
 * `resources/app.asar.unpacked/…`, at the same path inside it, and both worker clients
 * (main/crypto/kdf-worker-client.ts, main/audit/verify-worker-client.ts) start them from there.
 */

const APP_ASAR = /(^|[\\/])app\.asar(?=[\\/])/;

/**
 * The path `app.asar.unpacked` holds for a path inside `app.asar`; any other path unchanged. Only a
 * segment named exactly `app.asar` counts (not `app.asarx`, `not-app.asar` or `app.asar.unpacked`),
 * followed by more path, with `/` or `\` separators. Only the first such segment is the archive: a
 * folder named app.asar further in is an ordinary folder of the archive, kept as it is.
 */
export function asarUnpackedPath(path: string): string {
  return path.replace(APP_ASAR, '$1app.asar.unpacked');
}

/**
 * The built worker `fileName` beside the bundle at `bundleUrl` (its import.meta.url), or null when
 * there is none. Inside app.asar only the unpacked copy is used: a worker started from inside the
 * archive is what fails, and null lets the caller fall back and say so instead of failing obscurely.
 */
export function builtWorkerUrl(fileName: string, bundleUrl: string, exists: (path: string) => boolean = existsSync): URL | null {
  // A bundle not loaded from a file (data:, or no base URL a relative one resolves against) has nothing beside it.
  const beside = URL.canParse(`./${fileName}`, bundleUrl) ? new URL(`./${fileName}`, bundleUrl) : null;
  if (beside === null || beside.protocol !== 'file:') return null;
  const path = fileURLToPath(beside);
  const unpacked = asarUnpackedPath(path);
  if (unpacked === path) return exists(path) ? beside : null;
  return exists(unpacked) ? pathToFileURL(unpacked) : null;
}
