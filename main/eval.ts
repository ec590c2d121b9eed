import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { startBridge } from './bridge/server';
import { Service } from './core/service';
import { FilePrefsStore } from './core/file-prefs-store';
import { userDataDir } from './core/paths';

/**
 * Evaluation mode: the real Service and the real renderer, served to a browser over the loopback
 * bridge, for machines without the Electron binary. Started by `npm start` when Electron is absent.
 */
const here = import.meta.dirname;
const pkg = JSON.parse(readFileSync(join(here, '..', '..', 'package.json'), 'utf8')) as { version: string };
const dataDir = userDataDir();
const log = (event: string, fields: Record<string, string | number | boolean> = {}): void => {
  console.error(JSON.stringify({ time: new Date().toISOString(), event, ...fields }));
};

const service = new Service({
  version: pkg.version,
  mode: 'bridge',
  platform: process.platform,
  prefs: new FilePrefsStore(dataDir, (message) => log('prefs_problem', { message })),
  dataDir,
  log,
});

const bridge = await startBridge({ handlers: service, events: (listener) => service.onEvent(listener), staticDir: join(here, '..', 'renderer'), log });
console.log(`Entente (evaluation mode) is ready: open ${bridge.url}`);
console.log(`Data folder: ${dataDir}. Press Ctrl+C to stop.`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  // The open profile is locked first: its `locked` entry and checkpoint are written, its keys wiped.
  void service
    .shutdown()
    .catch(() => log('lock_failed'))
    .then(() => bridge.close())
    .then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
