import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tempDir } from '../helpers/tmp';

// The launcher `npm start` falls back to when Electron is absent, run as the built file it is.
describe('evaluation mode launcher (dist/main/eval.js)', () => {
  it('prints a tokened loopback URL, serves the renderer, and stops cleanly on SIGTERM', async () => {
    expect(existsSync('dist/main/eval.js'), 'run `npm run build` first').toBe(true);
    const home = tempDir();
    const child = spawn(process.execPath, ['dist/main/eval.js'], { env: { ...process.env, ENTENTE_HOME: home.path } });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /open (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43})/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"></div>');
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      home.remove();
    }
  });
});
