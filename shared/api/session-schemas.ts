import { z } from 'zod';
import { CredentialStanding } from '../display/model';
import { AgencyIdText, Count, DisplayNameText, Millis, OfficerIdText, Problem, ProfileId, Text } from './fields';

/** Profiles, unlocking and the session (main/core/calls-profile.ts). */

export const ProfileSummary = z.strictObject({
  id: ProfileId,
  kind: z.enum(['user', 'demo']),
  /** Who the profile belongs to, when known without unlocking it (the demo's manifest names its officers). */
  name: Text(200).nullable(),
  agency: AgencyIdText.nullable(),
  officerId: OfficerIdText.nullable(),
  /** The demo officer's clearance as the demo describes it. */
  clearance: Text(1024).nullable(),
  /** The demo's passphrases are public (docs/DEMO.md); null for every real profile. */
  demoPassphrase: Text(200).nullable(),
  unlocked: z.boolean(),
});
export type ProfileSummary = z.infer<typeof ProfileSummary>;

export const ProfilesList = z.strictObject({ profiles: z.array(ProfileSummary).max(1000) });

/** The passphrase as typed; the keystore normalises it (NFC) and refuses more than 1,024 bytes. */
const Passphrase = z.string().min(1).max(1024);

export const ProfileCreateInput = z.strictObject({
  officerId: OfficerIdText,
  name: DisplayNameText,
  /** A new profile's passphrase: at least 10 characters (a sentence is best). */
  passphrase: Passphrase.refine((p) => [...p].length >= 10, 'at least 10 characters'),
});

export const ProfileUnlockInput = z.strictObject({ profileId: ProfileId, passphrase: Passphrase });

export const SessionStatus = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('locked') }),
  z.strictObject({
    state: z.literal('unlocked'),
    profileId: ProfileId,
    officer: z.strictObject({
      officerId: OfficerIdText,
      name: Text(200),
      /** From the credential in force (or the latest held); null before one is imported. */
      agency: AgencyIdText.nullable(),
      clearance: Text(4096).nullable(),
      standing: CredentialStanding,
    }),
    /** When the session locks unless the officer is active before (session.activity). */
    autoLockAt: Millis,
    autoLockMinutes: z.number().int().min(1).max(480),
    relay: z.strictObject({ url: Text(2048), state: Text(32) }).nullable(),
  }),
]);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const EnrolmentRequestOutput = z.strictObject({
  officerId: OfficerIdText,
  /** The signed request to hand to the agency's security officer. */
  content: z.string().max(64 * 1024),
  /** Compare in person with the security officer before they issue the credential. */
  fingerprint: Text(200),
  /** Also written here, under the user data folder's exports/. */
  file: Text(4096),
});

/** A file picked by the officer: its name (for messages) and its bytes as base64. */
export const ImportFileInput = z.strictObject({
  name: Text(255, 1),
  data: z
    .string()
    .max(1_400_000)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
});

export const ProfileImportInput = z.strictObject({ files: z.array(ImportFileInput).min(1).max(32) });

export const ImportFileResult = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    name: Text(255),
    kind: z.enum(['policy', 'agency-card', 'credential', 'agreement', 'revocation-list']),
    subject: Text(1024),
    outcome: z.enum(['new', 'updated', 'unchanged']),
    fingerprint: Text(200).optional(),
    keyChanged: z.boolean().optional(),
  }),
  z.strictObject({ ok: z.literal(false), name: Text(255), error: Problem }),
]);
export type ImportFileResult = z.infer<typeof ImportFileResult>;

export const ProfileImportOutput = z.strictObject({ results: z.array(ImportFileResult).max(32), imported: Count, session: SessionStatus });
