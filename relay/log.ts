/**
 * The relay's structured log (docs/RELAY.md §8): one JSON object per line. Fields are primitives only,
 * so that envelope bytes, labels or whole frames cannot be passed in by mistake; the relay logs
 * events, connection ids, officers, counts and sizes, never content.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogValue = string | number | boolean | null;
export type LogFields = Readonly<Record<string, LogValue>>;

export interface RelayLogger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Writes lines such as {"time":"…","level":"info","event":"auth_ok","conn":"c7","officer":"fr-dgsi/jdupont"}. */
export function jsonLineLogger(write: (line: string) => void = (line) => void process.stderr.write(line), minLevel: LogLevel = 'info'): RelayLogger {
  return {
    log(level, event, fields = {}) {
      if (RANK[level] < RANK[minLevel]) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`);
    },
  };
}

export const silentLogger: RelayLogger = { log: () => {} };
