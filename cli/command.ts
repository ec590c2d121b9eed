import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EntenteError } from '../shared/errors';

/** Exit codes of the `entente` command (README, "The entente command"). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  /** Words after `entente`, e.g. ['label', 'check']. */
  path: readonly string[];
  summary: string;
  usage: string;
  options: Options;
  allowPositionals?: boolean;
  run(values: Record<string, unknown>, positionals: string[], io: Io): Promise<number>;
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Asks on the terminal without echo; absent when there is no terminal (tests, pipes). */
  readSecret?(prompt: string): Promise<string>;
}

/** A mistake in how the command was called: reported with the usage hint and exit code 2. */
export class UsageError extends Error {}

export function parseCommandArgs(command: Command, argv: string[]): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
    return { values, positionals };
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
}

/** One line for the terminal: the coded message of an EntenteError, or a generic sentence. */
export function describeError(err: unknown): string {
  if (err instanceof EntenteError) return `${err.message} (${err.code})`;
  if (err instanceof UsageError) return err.message;
  return 'unexpected internal error';
}
