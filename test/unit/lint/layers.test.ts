import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { resolve } from 'node:path';

const eslint = new ESLint({ cwd: resolve('.') });

/** The layer-rule messages ESLint reports for `code` as if it were the file at `path`. */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(path) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'entente/layers').map((m) => m.message);
}

describe('layering lint (DESIGN.md §1)', () => {
  it.each([
    ['renderer/src/x.ts', "import { Service } from '../../main/core/service';\nexport { Service };", 'renderer/ may import only shared/'],
    ['renderer/src/views/x.tsx', "import { readFileSync } from 'node:fs';\nexport { readFileSync };", 'may not use Node APIs'],
    ['renderer/src/x.ts', "import fs from 'fs';\nexport { fs };", 'may not use Node APIs'],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport { ipcRenderer };", 'only main/app may import electron'],
    ['main/core/x.ts', "import { app } from 'electron';\nexport { app };", 'only main/app may import electron'],
    ['cli/x.ts', "export { app } from 'electron';", 'only main/app may import electron'],
    ['relay/x.ts', "const e = await import('electron');\nexport { e };", 'only main/app may import electron'],
    ['shared/x.ts', "import { Service } from '../main/core/service';\nexport { Service };", 'shared/ may import nothing else'],
    ['shared/api/x.ts', "import { createHash } from 'node:crypto';\nexport { createHash };", 'may not use Node APIs'],
    ['shared/x.ts', "import React from 'react';\nexport { React };", 'shared/ may use only zod'],
    ['main/core/x.ts', "import { App } from '../../renderer/src/App';\nexport { App };", 'only renderer/ may import renderer/'],
    ['main/app/x.ts', "import { startBridge } from '../bridge/server';\nexport { startBridge };", 'never starts the browser bridge'],
  ])('%s: forbidden import is an error', async (path, code, reason) => {
    const errors = await layerErrors(path, code);
    expect(errors.join('\n')).toContain(reason);
  });

  it.each([
    ['renderer/src/x.ts', "import { contract } from '../../shared/api/contract';\nimport { useState } from 'react';\nexport { contract, useState };"],
    ['main/core/x.ts', "import { readFileSync } from 'node:fs';\nimport { contract } from '../../shared/api/contract';\nexport { readFileSync, contract };"],
    ['main/app/x.ts', "import { app } from 'electron';\nimport { Service } from '../core/service';\nexport { app, Service };"],
    ['shared/x.ts', "import { z } from 'zod';\nimport { Prefs } from './prefs';\nexport { z, Prefs };"],
  ])('%s: allowed imports pass', async (path, code) => {
    expect(await layerErrors(path, code)).toEqual([]);
  });

  it('the project itself is clean under the rule', async () => {
    const results = await eslint.lintFiles(['shared', 'main/core', 'main/bridge', 'renderer/src', 'cli']);
    const layerMessages = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'entente/layers').map((m) => `${r.filePath}: ${m.message}`));
    expect(layerMessages).toEqual([]);
  });
});
