import type { z } from 'zod';
import { AUTO_LOCK_MINUTES, Settings } from '../../shared/api/settings-schemas';
import { getMeta, setMeta } from '../store/meta';
import type { EncryptedDatabase } from '../store/database';

/**
 * The unlocked profile's settings (everything of shared/api/settings-schemas.ts but the language,
 * which is the shared preference): one JSON value in the profile's `meta` table, so that only the
 * app, through settings.set and its audit entry, changes a workstation ceiling or a session mode.
 */
export const ProfileSettings = Settings.omit({ language: true });
export type ProfileSettings = z.infer<typeof ProfileSettings>;

export const DEFAULT_SETTINGS: ProfileSettings = {
  ceiling: null,
  sessionMode: 'normal',
  autoLockMinutes: AUTO_LOCK_MINUTES.default,
  notificationLevel: null,
  contentProtectionLevel: null,
  relayUrl: null,
};

const KEY = 'app.settings';
const Stored = ProfileSettings.partial().strict();

/**
 * The stored settings over the defaults (fields absent, from an older version, take theirs). A value
 * that does not parse (a damaged row) gives the defaults in travelling mode: damage never widens
 * what is shown.
 */
export function readSettings(db: EncryptedDatabase): ProfileSettings {
  const text = getMeta(db, KEY);
  if (text === null) return { ...DEFAULT_SETTINGS };
  try {
    const parsed = Stored.safeParse(JSON.parse(text));
    if (parsed.success) return { ...DEFAULT_SETTINGS, ...parsed.data };
  } catch {
    // fall through
  }
  return { ...DEFAULT_SETTINGS, sessionMode: 'travelling' };
}

export function writeSettings(db: EncryptedDatabase, settings: ProfileSettings): void {
  setMeta(db, KEY, JSON.stringify(ProfileSettings.parse(settings)));
}
