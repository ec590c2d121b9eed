import type { Command } from './command';
import { versionCommand } from './commands/version';
import { labelCheckCommand } from './commands/label-check';
import { agencyInitCommand } from './commands/agency-init';
import { agencyCardCommand } from './commands/agency-card';
import { agencyIssueCommand } from './commands/agency-issue';
import { agencyAgreeCommand } from './commands/agency-agree';
import { agencyCountersignCommand } from './commands/agency-countersign';
import { agencyRevokeCommand } from './commands/agency-revoke';
import { profileInitCommand } from './commands/profile-init';
import { profileImportCommand } from './commands/profile-import';
import { profileShowCommand } from './commands/profile-show';
import { profileVerifyCommand } from './commands/profile-verify';
import { profileUnpinCommand } from './commands/profile-unpin';
import { relayCommand } from './commands/relay';
import { channelCreateCommand } from './commands/channel-create';
import { sendCommand } from './commands/send';
import { syncCommand } from './commands/sync';
import { messagesCommand } from './commands/messages';
import { demoCommand } from './commands/demo';
import { auditVerifyCommand } from './commands/audit-verify';
import { auditExportCommand } from './commands/audit-export';

/** Every subcommand of `entente`; a new one is added here and in its own file under commands/. */
export const COMMANDS: readonly Command[] = [
  versionCommand,
  labelCheckCommand,
  agencyInitCommand,
  agencyCardCommand,
  agencyIssueCommand,
  agencyAgreeCommand,
  agencyCountersignCommand,
  agencyRevokeCommand,
  profileInitCommand,
  profileImportCommand,
  profileShowCommand,
  profileVerifyCommand,
  profileUnpinCommand,
  relayCommand,
  channelCreateCommand,
  sendCommand,
  syncCommand,
  messagesCommand,
  demoCommand,
  auditVerifyCommand,
  auditExportCommand,
];
