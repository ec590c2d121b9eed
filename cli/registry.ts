import type { Command } from './command';
import { versionCommand } from './commands/version';
import { labelCheckCommand } from './commands/label-check';
import { agencyInitCommand } from './commands/agency-init';
import { agencyCardCommand } from './commands/agency-card';
import { agencyIssueCommand } from './commands/agency-issue';
import { profileInitCommand } from './commands/profile-init';
import { profileImportCommand } from './commands/profile-import';
import { profileShowCommand } from './commands/profile-show';

/** Every subcommand of `entente`; a new one is added here and in its own file under commands/. */
export const COMMANDS: readonly Command[] = [
  versionCommand,
  labelCheckCommand,
  agencyInitCommand,
  agencyCardCommand,
  agencyIssueCommand,
  profileInitCommand,
  profileImportCommand,
  profileShowCommand,
];
