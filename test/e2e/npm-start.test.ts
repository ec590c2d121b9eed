import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';

/** `npm start` as a new user runs it (after the build the test run has just made), in evaluation mode. */
function start(home: string): { child: ChildProcessWithoutNullStreams; output: () => string; until: (re: RegExp) => Promise<RegExpExecArray> } {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, ENTENTE_HOME: home, ENTENTE_EVAL: '1', ENTENTE_START_NO_BUILD: '1', ENTENTE_DEMO_KDF: 'interactive' },
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const until = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = re.exec(out);
        if (m) {
          clearInterval(timer);
          resolve(m);
        }
      };
      const timer = setInterval(check, 50);
      child.on('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`npm start exited early with ${code}:\n${out}`));
      });
    });
  return { child, output: () => out, until };
}

async function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

describe('npm start on a fresh machine', () => {
  it('creates the demo alliance, starts its relay on loopback, opens evaluation mode, and reuses it all the second time', async () => {
    expect(existsSync('dist/cli/entente.js'), 'run `npm run build` first').toBe(true);
    const home = tempDir('npm-start-');
    try {
      const first = start(home.path);
      try {
        const relay = await first.until(/its relay listens at (ws:\/\/127\.0\.0\.1:(\d+))/);
        await first.until(/open (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43})/);
        expect(first.output()).toMatch(/Demo alliance \(created now\)/);
        for (const name of ['Camille Martin', 'Lucas Bernard', 'Alex Morgan', 'Jonas Weber']) expect(first.output()).toMatch(new RegExp(`${name}.*passphrase "[^"]+"`));
        const health = await fetch(`http://127.0.0.1:${relay[2]}/healthz`);
        expect(health.status).toBe(200);
        expect(existsSync(join(home.path, 'demo', 'demo.json'))).toBe(true);
        expect(await stop(first.child)).toBe(0);
      } finally {
        first.child.kill('SIGKILL');
      }
      const second = start(home.path);
      try {
        await second.until(/open (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43})/);
        expect(second.output()).toMatch(/Demo alliance \(reused\)/);
        expect(await stop(second.child)).toBe(0);
      } finally {
        second.child.kill('SIGKILL');
      }
    } finally {
      home.remove();
    }
  }, 120_000);
});
