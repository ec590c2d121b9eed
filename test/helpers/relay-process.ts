import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sodiumReady } from '../../main/crypto/sodium';
import { loadTrustCards, jsonLineLogger, startRelay, type RelayLimits } from '../../relay/server';

/**
 * A relay in its own process, so that a test can SIGKILL it for real, run it under another user or
 * with a file-size limit, and a benchmark can measure it without the clients' work on the same
 * event loop. The command is either the built `entente relay` (tests) or a script that calls
 * runRelayChild (the benchmark's own bundle); either prints the WebSocket URL as its first line.
 */

export interface RelayProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  port: number;
  /** What it wrote on stderr so far (its JSON log). */
  stderr(): string;
  /** Lines it wrote on stdout after the URL. */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnRelayOptions {
  /** Arguments to node: the script and its arguments. */
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this user and group (the test runs as root and needs a relay that cannot write everywhere). */
  uid?: number;
  gid?: number;
  /** RLIMIT_FSIZE of the relay, in bytes (`prlimit --fsize`): no file it writes may grow past this. */
  fsizeBytes?: number;
  /** Default 20 s. */
  startTimeoutMs?: number;
}

/** Whether prlimit(1) is installed (util-linux). */
export const hasPrlimit = (): boolean => spawnSync('prlimit', ['--version'], { stdio: 'ignore' }).status === 0;

export function spawnRelayProcess(o: SpawnRelayOptions): Promise<RelayProcess> {
  const [command, args] = o.fsizeBytes === undefined ? [process.execPath, o.args] : ['prlimit', [`--fsize=${o.fsizeBytes}`, '--', process.execPath, ...o.args]];
  // stderr on a pipe, not a file: a file-size limit must stop the database, not the log.
  const child = spawn(command, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], ...(o.uid === undefined ? {} : { uid: o.uid }), ...(o.gid === undefined ? {} : { gid: o.gid }) });
  let err = '';
  let out = '';
  const lines: string[] = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    let url: string | null = null;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the relay did not start within ${o.startTimeoutMs ?? 20_000} ms: ${err.slice(-800)}`));
    }, o.startTimeoutMs ?? 20_000);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl).trim();
        out = out.slice(nl + 1);
        if (url !== null) {
          lines.push(line);
          continue;
        }
        url = line;
        clearTimeout(timer);
        const port = Number(new URL(url).port);
        resolve({
          child,
          pid: child.pid as number,
          url,
          port,
          stderr: () => err,
          lines,
          exited,
          stop: (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      if (url === null) reject(Object.assign(new Error(`the relay exited (${String(code ?? signal)}) before listening: ${err.slice(-800)}`), { code, stderr: err }));
    });
  });
}

/** `entente relay` arguments for the built command. */
export function relayCliArgs(cli: string, o: { listen: string; data: string; cards: readonly string[] }): string[] {
  return [cli, 'relay', '--listen', o.listen, '--data', o.data, ...o.cards.flatMap((c) => ['--trust', c])];
}

export interface RelayChildConfig {
  host: string;
  port: number;
  dataDir: string;
  cards: string[];
  limits?: Partial<RelayLimits>;
}

/**
 * The body of a relay child process (the benchmark re-runs its own bundle with `--relay-child FILE`):
 * starts the relay from the JSON config FILE, prints its URL, logs warnings on stderr, answers
 * SIGUSR2 with a line of its CPU time ({"cpuMs": …}) and stops cleanly on SIGTERM.
 */
export async function runRelayChild(configFile: string): Promise<void> {
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as RelayChildConfig;
  await sodiumReady();
  const relay = await startRelay({
    host: config.host,
    port: config.port,
    dataDir: config.dataDir,
    trustCards: loadTrustCards(config.cards),
    ...(config.limits === undefined ? {} : { limits: config.limits }),
    logger: jsonLineLogger(undefined, 'warn'),
  });
  process.on('SIGUSR2', () => {
    const cpu = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
  });
  process.stdout.write(`${relay.wsUrl}\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await relay.close();
}

/** The relay child's CPU time so far, in ms (asks it with SIGUSR2). */
export async function relayCpuMs(relay: RelayProcess): Promise<number> {
  const before = relay.lines.length;
  relay.child.kill('SIGUSR2');
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline) {
    for (const line of relay.lines.slice(before)) {
      const parsed = JSON.parse(line) as { cpuMs?: number };
      if (typeof parsed.cpuMs === 'number') return parsed.cpuMs;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return NaN;
}
