import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveRendererPath } from '../../../main/app/renderer-path';
import { APP_SCHEME_PRIVILEGES, handleAppProtocol, registerAppScheme, serveRendererRequest } from '../../../main/app/protocol';
import { rendererCsp } from '../../../main/core/csp';
import { tempDir } from '../../helpers/tmp';

describe('resolveRendererPath (the app:// traversal guard)', () => {
  const root = resolve('/srv/entente/dist/renderer');

  it('maps the renderer files Vite emits to paths under the root', () => {
    expect(resolveRendererPath('app://entente/index.html', root)).toBe(join(root, 'index.html'));
    expect(resolveRendererPath('app://entente/', root)).toBe(join(root, 'index.html'));
    expect(resolveRendererPath('app://entente/assets/index-B2x_9k.js', root)).toBe(join(root, 'assets', 'index-B2x_9k.js'));
    expect(resolveRendererPath('app://entente/assets/app.css?v=1#top', root)).toBe(join(root, 'assets', 'app.css'));
  });

  it.each([
    // plain and encoded traversal
    'app://entente/../../etc/passwd',
    'app://entente/assets/../../secret',
    'app://entente/./index.html',
    'app://entente/%2e%2e/%2e%2e/etc/passwd',
    'app://entente/%2E%2E/secret',
    'app://entente/..%2fsecret',
    'app://entente/assets%2f..%2f..%2fsecret',
    'app://entente/..%5c..%5csecret',
    'app://entente/..\\..\\windows\\win.ini',
    // NUL and broken encodings
    'app://entente/index.html%00.png',
    'app://entente/index.html\u0000.png',
    'app://entente/%E0%A4%A',
    // absolute paths
    'app://entente//etc/passwd',
    'app://entente/%2fetc%2fpasswd',
    'app:///etc/passwd',
    // other origins (the first two are as long as ours, so only the origin check stops them)
    'app://example/index.html',
    'https://enten/index.html',
    'app://evil/index.html',
    'app://entente.evil.example/index.html',
    'app://entente@evil/index.html',
    'app://x@entente/index.html',
    'app://entente:8080/index.html',
    'app://entente',
    'file:///etc/passwd',
    'https://entente/index.html',
    '/etc/passwd',
    // oversized
    `app://entente/${'a/'.repeat(1100)}x.js`,
  ])('refuses %j', (url) => {
    expect(resolveRendererPath(url, root)).toBeNull();
  });
});

describe('serveRendererRequest', () => {
  let dir: ReturnType<typeof tempDir>;
  let root: string;
  beforeAll(() => {
    dir = tempDir();
    root = join(dir.path, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Entente</title>');
    writeFileSync(join(root, 'assets', 'main-abc123.js'), 'console.log("hi")');
    // A file beside the renderer folder that a traversal would reach.
    writeFileSync(join(dir.path, 'secret.txt'), 'TOP SECRET');
  });
  afterAll(() => dir.remove());

  // Raw URLs, not Request objects: a Request would already have collapsed the dot segments.
  const get = (url: string, method = 'GET') => serveRendererRequest({ url, method }, root);

  it('serves a real file with its type, the strict CSP and nosniff', async () => {
    const res = await get('app://entente/assets/main-abc123.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('console.log("hi")');
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = res.headers.get('content-security-policy');
    expect(csp).toBe(rendererCsp());
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe');
  });

  it('serves index.html for the bare origin', async () => {
    const res = await get('app://entente/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('<title>Entente</title>');
  });

  it('never serves a file outside the renderer folder', async () => {
    const attempts = [
      'app://entente/../secret.txt',
      'app://entente/assets/../../secret.txt',
      'app://entente/%2e%2e/secret.txt',
      'app://entente/..%2fsecret.txt',
      'app://entente/..\\secret.txt',
      `app://entente/${join(dir.path, 'secret.txt')}`,
      `app://entente/${encodeURIComponent(join(dir.path, 'secret.txt'))}`,
    ];
    for (const url of attempts) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      expect(await res.text()).not.toContain('TOP SECRET');
      expect(res.headers.get('content-security-policy')).toBe(rendererCsp());
    }
  });

  it('answers 404 for missing files and folders', async () => {
    expect((await get('app://entente/nope.js')).status).toBe(404);
    expect((await get('app://entente/assets')).status).toBe(404);
  });

  it('refuses every method but GET', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) {
      expect((await get('app://entente/index.html', method)).status, method).toBe(405);
    }
  });
});

describe('app:// registration', () => {
  it('registers the scheme as standard and secure, without CORS or CSP bypass', () => {
    const registerSchemesAsPrivileged = vi.fn();
    registerAppScheme({ registerSchemesAsPrivileged });
    expect(registerSchemesAsPrivileged).toHaveBeenCalledWith([APP_SCHEME_PRIVILEGES]);
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('app');
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true });
    expect(APP_SCHEME_PRIVILEGES.privileges?.bypassCSP).not.toBe(true);
    expect(APP_SCHEME_PRIVILEGES.privileges?.corsEnabled).not.toBe(true);
    expect(APP_SCHEME_PRIVILEGES.privileges?.allowServiceWorkers).not.toBe(true);
  });

  it('handles app:// with the guarded file server', async () => {
    const handle = vi.fn();
    handleAppProtocol({ handle }, '/nonexistent-root');
    expect(handle).toHaveBeenCalledTimes(1);
    const [scheme, handler] = handle.mock.calls[0] as [string, (r: Request) => Promise<Response>];
    expect(scheme).toBe('app');
    expect((await handler(new Request('app://entente/../../etc/passwd'))).status).toBe(404);
  });
});
