import type { Messages } from './en';

export const fr: Messages = {
  app: {
    name: 'Entente',
    tagline: 'Notes marquées pour officiers de liaison',
    loading: 'Démarrage…',
  },
  shell: {
    mode: { electron: 'Application de bureau', bridge: "Mode d'évaluation (navigateur)" },
    version: 'Version {{version}}',
    modeLabel: 'Fonctionne en',
    platform: 'Plateforme',
    welcome: 'Ce poste est prêt. Profils, canaux et notes apparaîtront ici une fois configurés.',
  },
  settings: {
    title: 'Paramètres',
    language: 'Langue',
    theme: 'Thème',
    themes: { system: 'Suivre le système', light: 'Clair', dark: 'Sombre' },
    saved: 'Paramètres enregistrés.',
  },
  languages: { en: 'English', fr: 'Français' },
  errors: {
    invalid_input: "La demande a été refusée car elle n'était pas valide.",
    unknown_call: "L'application a demandé une opération qu'Entente ne propose pas.",
    forbidden_origin: "Cette fenêtre n'est pas autorisée à communiquer avec Entente.",
    unauthorized: "Cette page n'est pas autorisée à communiquer avec Entente ; ouvrez le lien affiché par Entente.",
    internal: "Une erreur interne s'est produite dans Entente.",
    prefs_unreadable: 'Vos paramètres sont illisibles ; les valeurs par défaut sont utilisées.',
    prefs_write_failed: "Vos paramètres n'ont pas pu être enregistrés.",
    connection: "Entente est injoignable. L'application est-elle toujours lancée ?",
  },
};
