import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { asarUnpackedPath, builtWorkerUrl } from '../../../main/workers/unpacked-path';

/**
 * main/workers/unpacked-path.ts: the worker clients start a packaged app's workers from
 * app.asar.unpacked. Only a path inside the archive named exactly app.asar may be rewritten, and only
 * at that segment.
 */
describe('asarUnpackedPath', () => {
  it('maps a path inside app.asar to app.asar.unpacked, POSIX and Windows', () => {
    expect(asarUnpackedPath('/opt/Entente/resources/app.asar/dist/main/app/kdf-worker.js')).toBe('/opt/Entente/resources/app.asar.unpacked/dist/main/app/kdf-worker.js');
    expect(asarUnpackedPath('/Applications/Entente.app/Contents/Resources/app.asar/dist/main/app/audit-verify-worker.js')).toBe(
      '/Applications/Entente.app/Contents/Resources/app.asar.unpacked/dist/main/app/audit-verify-worker.js',
    );
    expect(asarUnpackedPath('C:\\Program Files\\Entente\\resources\\app.asar\\dist\\main\\app\\kdf-worker.js')).toBe(
      'C:\\Program Files\\Entente\\resources\\app.asar.unpacked\\dist\\main\\app\\kdf-worker.js',
    );
    expect(asarUnpackedPath('C:/Entente/resources/app.asar/dist/x.js')).toBe('C:/Entente/resources/app.asar.unpacked/dist/x.js');
    expect(asarUnpackedPath('C:\\Entente\\resources\\app.asar/dist\\x.js')).toBe('C:\\Entente\\resources\\app.asar.unpacked/dist\\x.js');
    expect(asarUnpackedPath('\\\\server\\share\\resources\\app.asar\\x.js')).toBe('\\\\server\\share\\resources\\app.asar.unpacked\\x.js');
    expect(asarUnpackedPath('app.asar/x.js')).toBe('app.asar.unpacked/x.js');
  });

  it('leaves alone every segment not named exactly app.asar', () => {
    for (const path of [
      '/opt/Entente/resources/app.asarx/dist/kdf-worker.js',
      '/opt/Entente/resources/not-app.asar/dist/kdf-worker.js',
      '/opt/Entente/resources/myapp.asar/dist/kdf-worker.js',
      '/opt/Entente/resources/app.asar.unpacked/dist/kdf-worker.js',
      '/opt/Entente/resources/app.asar.bak/dist/kdf-worker.js',
      '/opt/Entente/resources/App.Asar/dist/kdf-worker.js',
      '/opt/Entente/resources/electron.asar/dist/kdf-worker.js',
      '/opt/Entente/resources/app_asar/dist/kdf-worker.js',
      '/opt/Entente/resources/appXasar/dist/kdf-worker.js',
      'C:\\Entente\\resources\\not-app.asar\\x.js',
      '/srv/entente/dist/main/app/kdf-worker.js',
      '',
    ]) {
      expect(asarUnpackedPath(path), path).toBe(path);
    }
  });

  it('does not rewrite the archive itself, only a path inside it', () => {
    expect(asarUnpackedPath('/opt/Entente/resources/app.asar')).toBe('/opt/Entente/resources/app.asar');
    expect(asarUnpackedPath('C:\\Entente\\resources\\app.asar')).toBe('C:\\Entente\\resources\\app.asar');
    expect(asarUnpackedPath('/opt/Entente/resources/app.asar/')).toBe('/opt/Entente/resources/app.asar.unpacked/');
  });

  it('rewrites only the first app.asar: one nested further in is a folder of the archive', () => {
    expect(asarUnpackedPath('/r/app.asar/node_modules/x/app.asar/y.js')).toBe('/r/app.asar.unpacked/node_modules/x/app.asar/y.js');
    expect(asarUnpackedPath('/r/app.asarx/app.asar/y.js')).toBe('/r/app.asarx/app.asar.unpacked/y.js');
    expect(asarUnpackedPath('C:\\r\\not-app.asar\\app.asar\\y.js')).toBe('C:\\r\\not-app.asar\\app.asar.unpacked\\y.js');
    // Idempotent on what it produced.
    const once = asarUnpackedPath('/r/app.asar/a/app.asar/b.js');
    expect(asarUnpackedPath(once)).toBe('/r/app.asar.unpacked/a/app.asar.unpacked/b.js');
  });
});

describe('builtWorkerUrl', () => {
  const root = join('/', 'opt', 'Entente', 'resources');
  const bundle = (dir: string) => pathToFileURL(join(root, dir, 'dist', 'main', 'app', 'main.js')).href;
  const worker = (dir: string) => join(root, dir, 'dist', 'main', 'app', 'kdf-worker.js');

  it('finds a packaged worker in app.asar.unpacked, never inside the archive', () => {
    const seen: string[] = [];
    const exists = (p: string) => (seen.push(p), p === worker('app.asar.unpacked'));
    expect(builtWorkerUrl('kdf-worker.js', bundle('app.asar'), exists)?.href).toBe(pathToFileURL(worker('app.asar.unpacked')).href);
    expect(seen).toEqual([worker('app.asar.unpacked')]);
  });

  it('gives null when the unpacked copy is missing, even if the archive lists the worker', () => {
    expect(builtWorkerUrl('kdf-worker.js', bundle('app.asar'), (p) => p === worker('app.asar'))).toBeNull();
  });

  it('finds an unpackaged build beside its bundle, and nothing where there is none', () => {
    const plain = join('/', 'srv', 'entente', 'dist', 'main', 'app');
    const base = pathToFileURL(join(plain, 'main.js')).href;
    expect(builtWorkerUrl('kdf-worker.js', base, (p) => p === join(plain, 'kdf-worker.js'))?.href).toBe(pathToFileURL(join(plain, 'kdf-worker.js')).href);
    expect(builtWorkerUrl('kdf-worker.js', base, () => false)).toBeNull();
    expect(builtWorkerUrl('kdf-worker.js', bundle('app.asarx'), (p) => p === worker('app.asarx'))?.href).toBe(pathToFileURL(worker('app.asarx')).href);
  });

  it('gives null for a bundle not loaded from a file', () => {
    expect(builtWorkerUrl('kdf-worker.js', 'http://127.0.0.1/dist/main.js', () => true)).toBeNull();
    expect(builtWorkerUrl('kdf-worker.js', 'data:text/javascript,1', () => true)).toBeNull();
  });
});
