import { z } from 'zod';
import { LevelRef, SessionMode } from '../display/model';
import { Language } from '../prefs';

/**
 * Settings of the unlocked profile (main/core/calls-settings.ts). Kept in the profile's encrypted
 * database, each change recorded as `settings_changed`; the language is the shared preference
 * (getPrefs/setPrefs), offered here too so one page can change everything.
 */

/** ws://HOST[:PORT][/path] or wss://…; main parses it again before connecting. */
export const RelayUrl = z
  .string()
  .max(2048)
  .regex(/^wss?:\/\/[^\s/?#@]+(?:\/[^\s#]*)?$/, 'a ws:// or wss:// URL');

export const AUTO_LOCK_MINUTES = { min: 1, max: 480, default: 10 } as const;

export const Settings = z.strictObject({
  language: Language,
  /** The workstation's accreditation ceiling; null: none (the credential's clearance alone). */
  ceiling: LevelRef.nullable(),
  sessionMode: SessionMode,
  autoLockMinutes: z.number().int().min(AUTO_LOCK_MINUTES.min).max(AUTO_LOCK_MINUTES.max),
  /** Notifications may carry a note's text only up to this level; null: never any text. */
  notificationLevel: LevelRef.nullable(),
  /** Notes above this level cannot be copied and blur when the window loses focus; null: every note. */
  contentProtectionLevel: LevelRef.nullable(),
  /** The relay this profile syncs with; null: ENTENTE_RELAY_URL when set, else none. */
  relayUrl: RelayUrl.nullable(),
});
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = Settings.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;
