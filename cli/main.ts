import { sodiumReady } from '../main/crypto/sodium';
import { COMMANDS } from './registry';
import { EXIT, UsageError, describeError, parseCommandArgs, type Command, type Io } from './command';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.path.join(' ').length));
  const lines = COMMANDS.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return ['Usage: entente <command> [options]', '', 'Commands:', ...lines, '', 'Run `entente <command> --help` for a command\'s options.'].join('\n');
}

function find(argv: string[]): { command: Command; rest: string[] } | null {
  let best: Command | null = null;
  for (const c of COMMANDS) {
    if (c.path.every((word, i) => argv[i] === word) && (best === null || c.path.length > best.path.length)) best = c;
  }
  return best === null ? null : { command: best, rest: argv.slice(best.path.length) };
}

/** Runs the command line and returns the exit code; never throws, never prints a stack. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(overview());
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  const found = find(argv);
  if (found === null) {
    io.err(`entente: unknown command "${argv.slice(0, 2).join(' ')}"; run \`entente --help\` for the list.`);
    return EXIT.usage;
  }
  const { command, rest } = found;
  try {
    const { values, positionals } = parseCommandArgs(command, rest);
    if (values.help === true) {
      io.out(`${command.usage}\n\n${command.summary}`);
      return EXIT.ok;
    }
    // Once, before any command: several verify signatures synchronously, which needs libsodium ready.
    await sodiumReady();
    return await command.run(values, positionals, io);
  } catch (err) {
    io.err(`entente ${command.path.join(' ')}: ${describeError(err)}`);
    return err instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
}
