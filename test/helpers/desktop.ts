import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDemoAlliance, type DemoManifest } from '../../cli/demo-alliance';
import { dispatch } from '../../main/core/dispatch';
import { FilePrefsStore } from '../../main/core/file-prefs-store';
import { Service, type ServiceDeps } from '../../main/core/service';
import { sodiumReady } from '../../main/crypto/sodium';
import type { CallName, CallOutput } from '../../shared/api/contract';
import type { ErrorPayload } from '../../shared/errors';
import { TEST_KDF } from './profile';
import { tempDir } from './tmp';

/**
 * The desktop Service over real profiles: the demo alliance (cli/demo-alliance.ts, built once per
 * test file with the fast test KDF, its notes really sent through a relay) in a temp folder, and a user
 * data folder beside it. Calls go through the real dispatch, as both transports send them.
 */
export interface Desktop {
  root: string;
  dataDir: string;
  demoDir: string;
  manifest: DemoManifest;
  service: Service;
  /** A call that must succeed: its value. */
  call<N extends CallName>(name: N, input?: unknown): Promise<CallOutput<N>>;
  /** A call that must fail: its error. */
  fail(name: CallName | string, input?: unknown): Promise<ErrorPayload>;
  /** A fresh Service over the same folders (a restart of the app). */
  restart(deps?: Partial<ServiceDeps>): Service;
  /** Unlocks a demo officer's profile. */
  unlockDemo(officerId: string): Promise<CallOutput<'profile.unlock'>>;
  close(): Promise<void>;
}

let built: { root: string; manifest: DemoManifest } | null = null;
const pristine = tempDir('entente-demo-pristine-');

/** The demo alliance, built once per test file and copied for each Desktop (a copy is fast; Argon2id is not). */
async function pristineDemo(): Promise<{ root: string; manifest: DemoManifest }> {
  if (built === null) {
    await sodiumReady();
    const root = join(pristine.path, 'demo');
    const { manifest } = await ensureDemoAlliance(root, { kdf: TEST_KDF });
    built = { root, manifest };
  }
  return built;
}

export async function desktop(deps: Partial<ServiceDeps> = {}): Promise<Desktop> {
  const demo = await pristineDemo();
  const tmp = tempDir('entente-desktop-');
  const dataDir = join(tmp.path, 'userdata');
  const demoDir = join(tmp.path, 'demo');
  mkdirSync(dataDir, { mode: 0o700 });
  cpSync(demo.root, demoDir, { recursive: true });
  const make = (more: Partial<ServiceDeps> = {}): Service =>
    new Service({ version: '0.0.0-test', mode: 'bridge', platform: 'linux', prefs: new FilePrefsStore(dataDir), dataDir, demoDir, relayUrl: null, sync: false, kdf: TEST_KDF, ...deps, ...more });
  const d: Desktop = {
    root: tmp.path,
    dataDir,
    demoDir,
    manifest: demo.manifest,
    service: make(),
    async call(name, input = {}) {
      const r = await dispatch(d.service, name, input);
      if (!r.ok) throw new Error(`${name} failed: ${r.error.code}: ${r.error.message}`);
      return r.value as never;
    },
    async fail(name, input = {}) {
      const r = await dispatch(d.service, name, input);
      if (r.ok) throw new Error(`${String(name)} succeeded but was expected to fail`);
      return r.error;
    },
    restart(more = {}) {
      d.service = make(more);
      return d.service;
    },
    async unlockDemo(officerId) {
      const o = demo.manifest.officers.find((x) => x.officerId === officerId);
      if (o === undefined) throw new Error(`no demo officer ${officerId}`);
      return d.call('profile.unlock', { profileId: `demo:${officerId}`, passphrase: o.passphrase });
    },
    async close() {
      await d.service.shutdown().catch(() => undefined);
      tmp.remove();
    },
  };
  return d;
}

/** Removes the demo built for this test file (call in afterAll). */
export function removePristineDemo(): void {
  pristine.remove();
  built = null;
}
