import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { WORKER_FILE } from '../../../main/audit/verify-worker-client';
import { KDF_WORKER_FILE } from '../../../main/crypto/kdf-worker-client';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const require = createRequire(import.meta.url);
// js-yaml is the parser electron-builder itself reads this file with (a dependency of app-builder-lib);
// it ships no types here, hence the explicit shape.
const yaml = require('js-yaml') as { load: (text: string) => unknown };
// electron-builder's own matcher for `files`/`asarUnpack` patterns (app-builder-lib/out/fileMatcher.js,
// no types shipped for it): asarUnpack is judged the way packaging will judge it, not by a lookalike.
type FileFilter = (file: string, stat: Stats) => boolean;
const { getFileMatchers } = require('app-builder-lib/out/fileMatcher') as {
  getFileMatchers: (config: object, name: string, destination: string, options: object) => { createFilter: () => FileFilter }[] | null;
};

type Config = {
  appId?: string;
  productName?: string;
  files?: string[];
  asar?: boolean;
  asarUnpack?: string[];
  npmRebuild?: boolean;
  electronFuses?: Record<string, boolean>;
  linux?: { target?: string[] };
  mac?: { target?: string[] };
  win?: { target?: string[] };
};
const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Config;
const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as {
  properties: Record<string, unknown>;
  definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
};

describe('electron-builder.yml', () => {
  it('flips every security fuse the design asks for', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('uses only option names electron-builder 26 knows (a misspelt fuse would be silently ignored)', () => {
    const fuseNames = Object.keys(schema.definitions.FuseOptionsV1.properties);
    for (const fuse of Object.keys(config.electronFuses ?? {})) expect(fuseNames, fuse).toContain(fuse);
    for (const key of Object.keys(config)) expect(Object.keys(schema.properties), key).toContain(key);
  });

  it('packs the built app into an asar, without sources or the non-Electron builds', () => {
    expect(config.appId).toMatch(/^[a-z0-9.-]+$/);
    expect(config.productName).toBe('Entente');
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    const files = config.files ?? [];
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/main/app/**', 'dist/renderer/**', 'policies/*.xml', '!**/*.map', '!**/*.ts']));
    for (const pattern of files.filter((f) => !f.startsWith('!'))) {
      expect(pattern === 'package.json' || pattern === 'policies/*.xml' || pattern.startsWith('dist/'), pattern).toBe(true);
      expect(pattern).not.toMatch(/bridge|eval|relay|cli/);
    }
  });

  it('packages the path package.json starts', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/app/main.js');
    expect(config.files).toContain('dist/main/app/**');
  });

  it('has targets for Linux, macOS and Windows', () => {
    expect(config.linux?.target?.length).toBeGreaterThan(0);
    expect(config.mac?.target?.length).toBeGreaterThan(0);
    expect(config.win?.target?.length).toBeGreaterThan(0);
  });

  describe('asarUnpack (worker threads start from real files, main/workers/unpacked-path.ts)', () => {
    const APP = join(ROOT, 'dist', 'main', 'app');
    const unpacks = (): FileFilter => {
      const matchers = getFileMatchers(config, 'asarUnpack', join(ROOT, 'release', 'app'), { macroExpander: (s: string) => s, customBuildOptions: {}, globalOutDir: join(ROOT, 'release'), defaultSrc: ROOT });
      const matcher = matchers?.[0];
      if (matcher === undefined) throw new Error('electron-builder.yml has no asarUnpack');
      return matcher.createFilter();
    };
    const unpacked = (rel: string) => unpacks()(join(ROOT, rel), statSync(join(ROOT, rel)));

    it('is a list of plain file patterns', () => {
      expect(Array.isArray(config.asarUnpack)).toBe(true);
      for (const p of config.asarUnpack ?? []) expect(typeof p, String(p)).toBe('string');
    });

    it('unpacks every worker the build puts beside the Electron main bundle, and the package.json that types them (`npm run build` first)', () => {
      if (!existsSync(join(APP, 'main.js'))) throw new Error('dist/main/app is missing: run `npm run build` first');
      const built = readdirSync(APP);
      // The files the clients look for are what the build makes.
      expect(built).toEqual(expect.arrayContaining([KDF_WORKER_FILE, WORKER_FILE, 'package.json']));
      expect(JSON.parse(readFileSync(join(APP, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
      // Anything else the build adds there is a worker or its package.json: it must be unpacked, or a
      // new worker would ship where it cannot start.
      const stays = ['main.js', 'preload.cjs'];
      for (const f of built.filter((name) => !stays.includes(name))) expect(unpacked(`dist/main/app/${f}`), f).toBe(true);
      for (const f of stays) expect(unpacked(`dist/main/app/${f}`), f).toBe(false);
    });

    it('leaves everything else in the archive (integrity-checked)', () => {
      for (const rel of ['package.json', 'policies', 'dist/renderer/index.html', 'dist/main/eval.js', 'dist/cli/entente.js']) {
        if (existsSync(join(ROOT, rel))) expect(unpacked(rel), rel).toBe(false);
      }
      for (const p of config.asarUnpack ?? []) expect(p, p).toMatch(/^dist\/main\/app\/[\w.-]+$/);
    });
  });
});
