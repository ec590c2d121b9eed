import type { Command } from './command';
import { versionCommand } from './commands/version';
import { labelCheckCommand } from './commands/label-check';

/** Every subcommand of `entente`; a new one is added here and in its own file under commands/. */
export const COMMANDS: readonly Command[] = [versionCommand, labelCheckCommand];
