import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'vite';

/** The built renderer the bridge serves; built on demand when a test runs without `npm run build`. */
export async function builtRendererDir(): Promise<string> {
  const dir = resolve('dist/renderer');
  if (!existsSync(resolve(dir, 'index.html'))) await build({ configFile: resolve('vite.config.ts'), logLevel: 'error' });
  return dir;
}
