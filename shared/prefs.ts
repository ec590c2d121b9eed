import { z } from 'zod';

export const LANGUAGES = ['en', 'fr'] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;

export const THEMES = ['system', 'light', 'dark'] as const;
export const Theme = z.enum(THEMES);
export type Theme = z.infer<typeof Theme>;

/** Non-secret preferences only: nothing here is protected by a label or needed to unlock a profile. */
export const Prefs = z
  .object({
    language: Language,
    theme: Theme,
  })
  .strict();
export type Prefs = z.infer<typeof Prefs>;

export const DEFAULT_PREFS: Prefs = { language: 'en', theme: 'system' };

export const PrefsPatch = Prefs.partial().strict();
export type PrefsPatch = z.infer<typeof PrefsPatch>;
