import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FilePrefsStore } from '../../../main/core/file-prefs-store';
import { EntenteError } from '../../../shared/errors';
import { tempDir } from '../../helpers/tmp';

describe('FilePrefsStore', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('returns defaults when there is no file and writes a 0600 file', () => {
    const store = new FilePrefsStore(join(dir.path, 'nested'));
    expect(store.read()).toEqual({ language: 'en', theme: 'system' });
    store.write({ language: 'fr', theme: 'dark' });
    expect(new FilePrefsStore(join(dir.path, 'nested')).read()).toEqual({ language: 'fr', theme: 'dark' });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir.path, 'nested')).mode & 0o777).toBe(0o700);
  });

  it.each([
    ['not JSON', '{nope'],
    ['a wrong value', JSON.stringify({ language: 'klingon' })],
    ['an unknown key', JSON.stringify({ language: 'fr', evil: true })],
    ['an array', '[]'],
  ])('falls back to defaults on %s and leaves the file as it was', (_what, content) => {
    const problems: string[] = [];
    const store = new FilePrefsStore(dir.path, (m) => problems.push(m));
    writeFileSync(store.path, content);
    expect(store.read()).toEqual({ language: 'en', theme: 'system' });
    expect(problems).toHaveLength(1);
    expect(readFileSync(store.path, 'utf8')).toBe(content);
  });

  it('refuses an oversized file without parsing it', () => {
    const store = new FilePrefsStore(dir.path, () => {});
    writeFileSync(store.path, `{"language":"fr","pad":"${'x'.repeat(200_000)}"}`);
    expect(store.read().language).toBe('en');
  });

  it('fails a write with a coded error, keeping the previous file and leaving no temp file', () => {
    const store = new FilePrefsStore(dir.path);
    store.write({ language: 'fr', theme: 'light' });
    chmodSync(dir.path, 0o500);
    try {
      if (process.getuid?.() === 0) {
        // root ignores directory permissions; make the target a directory instead so rename fails
        chmodSync(dir.path, 0o700);
        const blocked = new FilePrefsStore(join(dir.path, 'blocked'));
        mkdirSync(blocked.path, { recursive: true });
        expect(() => blocked.write({ language: 'en', theme: 'dark' })).toThrow(EntenteError);
        expect(readdirSync(join(dir.path, 'blocked')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      } else {
        expect(() => store.write({ language: 'en', theme: 'dark' })).toThrow(EntenteError);
      }
    } finally {
      chmodSync(dir.path, 0o700);
    }
    expect(store.read()).toEqual({ language: 'fr', theme: 'light' });
  });
});
