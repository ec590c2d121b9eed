import { z } from 'zod';
import { Prefs, PrefsPatch } from '../prefs';
import { PartnerOfficer, PartnersList, PartnersVerifyInput } from './partners-schemas';
import { ChannelsCreate, ChannelsCreateInput } from './channel-schemas';
import { AuditCounts, AuditExport, AuditExportInput, AuditFilterInput, AuditPage, AuditPageInput, AuditVerify } from './audit-schemas';
import { ComposeCatalog, ComposeCatalogInput, ComposePreview, ComposePreviewInput, ComposeSend, ComposeSendInput } from './compose-schemas';
import { ChannelsList, DisplayContext, NotesBody, NotesBodyInput, NotesPage, NotesPageInput, NotesSearch, NotesSearchInput } from './notes-schemas';
import { EnrolmentRequestOutput, ProfileCreateInput, ProfileImportInput, ProfileImportOutput, ProfileUnlockInput, ProfilesList, SessionStatus } from './session-schemas';
import { Settings, SettingsPatch } from './settings-schemas';

/**
 * The whole API the renderer may use. A call is declared here once; main/core/service.ts must then
 * implement it (the compiler refuses the Service otherwise), and both transports pick it up.
 */
const call = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });

const NoInput = z.object({}).strict();

export const AppInfo = z
  .object({
    name: z.literal('Entente'),
    version: z.string(),
    mode: z.enum(['electron', 'bridge']),
    platform: z.string(),
  })
  .strict();
export type AppInfo = z.infer<typeof AppInfo>;

/**
 * Calls that need an unlocked profile answer `profile_locked` while none is (see main/core/service.ts).
 * Need-to-know: no answer carries a note's body except notes.body, which main decides again at each call.
 */
export const contract = {
  appInfo: call(NoInput, AppInfo),
  getPrefs: call(NoInput, Prefs),
  setPrefs: call(PrefsPatch, Prefs),

  // Profiles and the session.
  'profiles.list': call(NoInput, ProfilesList),
  'profile.create': call(ProfileCreateInput, SessionStatus),
  'profile.unlock': call(ProfileUnlockInput, SessionStatus),
  'profile.lock': call(NoInput, SessionStatus),
  'session.status': call(NoInput, SessionStatus),
  /** The officer did something: the auto-lock deadline moves. Nothing else counts as activity. */
  'session.activity': call(NoInput, SessionStatus),
  'profile.enrolmentRequest': call(NoInput, EnrolmentRequestOutput),
  'profile.import': call(ProfileImportInput, ProfileImportOutput),

  // Reading under need-to-know.
  'display.context': call(NoInput, DisplayContext),
  'channels.list': call(NoInput, ChannelsList),
  /** A new channel with the officers named (their credentials read from the relay's directory first). */
  'channels.create': call(ChannelsCreateInput, ChannelsCreate),
  'notes.page': call(NotesPageInput, NotesPage),
  'notes.body': call(NotesBodyInput, NotesBody),
  'notes.search': call(NotesSearchInput, NotesSearch),

  // Writing.
  'compose.catalog': call(ComposeCatalogInput, ComposeCatalog),
  'compose.preview': call(ComposePreviewInput, ComposePreview),
  'compose.send': call(ComposeSendInput, ComposeSend),

  // Partners.
  'partners.list': call(NoInput, PartnersList),
  'partners.verify': call(PartnersVerifyInput, PartnerOfficer),

  // Audit review.
  'audit.page': call(AuditPageInput, AuditPage),
  'audit.counts': call(AuditFilterInput, AuditCounts),
  'audit.verify': call(NoInput, AuditVerify),
  'audit.export': call(AuditExportInput, AuditExport),

  // Settings of the unlocked profile.
  'settings.get': call(NoInput, Settings),
  'settings.set': call(SettingsPatch, Settings),
} as const;

export type Contract = typeof contract;
export type CallName = keyof Contract;
export type CallInput<N extends CallName> = z.input<Contract[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Contract[N]['output']>;

/** What window.entente exposes in Electron and what the bridge client offers: one method per call. */
export type EntenteApi = { [N in CallName]: (input: CallInput<N>) => Promise<CallOutput<N>> };

export const CALL_NAMES = Object.keys(contract) as CallName[];

export const isCallName = (name: unknown): name is CallName =>
  typeof name === 'string' && Object.hasOwn(contract, name);

/** IPC channel for a call; the preload and main/app agree through this one function. */
export const ipcChannel = (name: CallName): string => `entente:${name}`;
