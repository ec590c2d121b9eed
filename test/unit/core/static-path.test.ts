import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { resolveStaticPath } from '../../../main/core/static-path';

const root = resolve('/srv/renderer');

describe('resolveStaticPath', () => {
  it('maps ordinary asset paths inside the root', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/index-abc.js')).toBe(join(root, 'assets/index-abc.js'));
    expect(resolveStaticPath(root, '/assets/a%20b.css')).toBe(join(root, 'assets/a b.css'));
  });

  it.each([
    '/../etc/passwd',
    '/assets/../../etc/passwd',
    '/%2e%2e/etc/passwd',
    '/%2E%2E%2Fetc%2Fpasswd',
    '/assets/%2e%2e%2f%2e%2e%2fsecret',
    '/..%5c..%5cwindows',
    '/a\\..\\b',
    '/%00index.html',
    '/index.html%00.js',
    '//etc/passwd',
    '/./index.html',
    'index.html',
    '/%E0%A4%A',
    `/${'a/'.repeat(600)}`,
  ])('refuses %s', (path) => {
    expect(resolveStaticPath(root, path)).toBeNull();
  });
});
