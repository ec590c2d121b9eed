/** English strings: the reference catalogue; fr.ts must have exactly the same keys (the compiler checks). */
export const en = {
  app: {
    name: 'Entente',
    tagline: 'Labelled notes for liaison officers',
    loading: 'Starting…',
  },
  shell: {
    mode: { electron: 'Desktop app', bridge: 'Evaluation mode (browser)' },
    version: 'Version {{version}}',
    modeLabel: 'Running as',
    platform: 'Platform',
    welcome: 'This workstation is ready. Profiles, channels and notes arrive here once they are set up.',
  },
  settings: {
    title: 'Settings',
    language: 'Language',
    theme: 'Theme',
    themes: { system: 'Follow the system', light: 'Light', dark: 'Dark' },
    saved: 'Settings saved.',
  },
  languages: { en: 'English', fr: 'Français' },
  errors: {
    invalid_input: 'The request was refused because it was not valid.',
    unknown_call: 'The app asked for something Entente does not offer.',
    forbidden_origin: 'This window is not allowed to talk to Entente.',
    unauthorized: 'This page is not authorised to talk to Entente; open the link Entente printed.',
    internal: 'Something went wrong inside Entente.',
    prefs_unreadable: 'Your settings could not be read; the defaults are in use.',
    prefs_write_failed: 'Your settings could not be saved.',
    connection: 'Entente cannot be reached. Is it still running?',
  },
};

type Catalogue<T> = { [K in keyof T]: T[K] extends string ? string : Catalogue<T[K]> };
export type Messages = Catalogue<typeof en>;
