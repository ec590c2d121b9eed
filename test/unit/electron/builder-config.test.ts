import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const require = createRequire(import.meta.url);
// js-yaml is the parser electron-builder itself reads this file with (a dependency of app-builder-lib);
// it ships no types here, hence the explicit shape.
const yaml = require('js-yaml') as { load: (text: string) => unknown };

type Config = {
  appId?: string;
  productName?: string;
  files?: string[];
  asar?: boolean;
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
});
