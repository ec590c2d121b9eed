import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../helpers/tmp';

/**
 * electron-store is Conf plus Electron's userData folder; importing it for real would load the
 * Electron binary. The stand-in is Conf itself, given the folder electron-store would compute, so
 * the options main/app passes and the real file behaviour are what is tested.
 */
const where = vi.hoisted(() => ({ dir: '' }));
vi.mock('electron-store', async () => {
  const { default: Conf } = await import('conf');
  return {
    default: class extends Conf {
      constructor({ name, ...options }: { name?: string } & Record<string, unknown>) {
        super({ ...options, configName: name, cwd: where.dir });
      }
    },
  };
});

const { ElectronPrefsStore, openElectronPrefsStore } = await import('../../../main/app/electron-prefs-store');

describe('ElectronPrefsStore over electron-store', () => {
  let dir: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    dir = tempDir();
    where.dir = dir.path;
    file = join(dir.path, 'preferences.json');
  });
  afterEach(() => dir.remove());

  it('reads the defaults before anything is saved, then what was saved', () => {
    const store = openElectronPrefsStore();
    expect(store.read()).toEqual({ language: 'en', theme: 'system' });
    store.write({ language: 'fr', theme: 'dark' });
    expect(openElectronPrefsStore().read()).toEqual({ language: 'fr', theme: 'dark' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ prefs: { language: 'fr', theme: 'dark' } });
  });

  it('keeps the file owner-only', () => {
    openElectronPrefsStore().write({ language: 'fr', theme: 'light' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', '{ this is not json'],
    ['an unknown language', JSON.stringify({ prefs: { language: 'de', theme: 'dark' } })],
    ['an extra key', JSON.stringify({ prefs: { language: 'fr', theme: 'dark', admin: true } })],
    ['a string', JSON.stringify({ prefs: 'fr' })],
    ['an array', JSON.stringify({ prefs: ['fr'] })],
  ])('falls back to the defaults on %s, reports it, and leaves the file until the next change', (_label, content) => {
    writeFileSync(file, content);
    const problems: string[] = [];
    const store = openElectronPrefsStore((m) => problems.push(m));
    expect(store.read()).toEqual({ language: 'en', theme: 'system' });
    // Reported on every read that meets the bad file (opening the store is one), as the file store does.
    expect(problems.length).toBeGreaterThan(0);
    expect(readFileSync(file, 'utf8')).toBe(content);
    store.write({ language: 'fr', theme: 'dark' });
    expect(store.read()).toEqual({ language: 'fr', theme: 'dark' });
  });

  it('fills a missing field from the defaults', () => {
    writeFileSync(file, JSON.stringify({ prefs: { theme: 'dark' } }));
    expect(openElectronPrefsStore().read()).toEqual({ language: 'en', theme: 'dark' });
  });

  it('refuses to write an invalid value', () => {
    const store = openElectronPrefsStore();
    expect(() => store.write({ language: 'de', theme: 'dark' } as never)).toThrow();
    expect(store.read()).toEqual({ language: 'en', theme: 'system' });
  });

  it('reports a failed write as prefs_write_failed', () => {
    const store = new ElectronPrefsStore({
      get: () => undefined,
      set: () => {
        throw new Error('EACCES');
      },
    });
    expect(() => store.write({ language: 'fr', theme: 'dark' })).toThrow(expect.objectContaining({ code: 'prefs_write_failed' }));
  });
});
