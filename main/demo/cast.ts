/**
 * Who is in the demo alliance `npm start` creates (docs/DEMO.md): three agencies of three nations under
 * the shipped NATO policy, officers of different clearances, agreements with different ceilings, so
 * that the first notes already show need-to-know at work: Camille (FR, SECRET) writes; Alex (UK,
 * SECRET) reads everything; Lucas (FR, CONFIDENTIAL) is withheld the SECRET note by his clearance;
 * Jonas (DE, SECRET) is withheld what exceeds the fr–de agreement's RESTRICTED ceiling.
 *
 * The passphrases are public on purpose: this is a demonstration on one machine, never a real profile.
 */
export interface DemoAgency {
  id: string;
  name: string;
  country: string;
  /** Shipped policy short names the agency issues clearances under. */
  policies: readonly ('nato' | 'eu' | 'uk' | 'fr')[];
  passphrase: string;
}

export interface DemoOfficer {
  agency: string;
  officerId: string;
  name: string;
  /** The highest NATO label the officer may read, as the security officer types it. */
  clearance: string;
  passphrase: string;
}

export interface DemoAgreement {
  proposer: string;
  partner: string;
  ceiling: string;
}

export interface DemoNote {
  from: string;
  marking: string;
  text: string;
}

export const DEMO_AGENCIES: readonly DemoAgency[] = [
  { id: 'fr-demo', name: 'Service de liaison (démonstration)', country: 'FRA', policies: ['nato', 'fr'], passphrase: 'demo fr-demo agency' },
  { id: 'uk-demo', name: 'UK Liaison Office (demonstration)', country: 'GBR', policies: ['nato', 'uk'], passphrase: 'demo uk-demo agency' },
  { id: 'de-demo', name: 'Verbindungsstelle (Demonstration)', country: 'DEU', policies: ['nato'], passphrase: 'demo de-demo agency' },
];

export const DEMO_OFFICERS: readonly DemoOfficer[] = [
  { agency: 'fr-demo', officerId: 'camille', name: 'Camille Martin', clearance: 'NATO SECRET REL TO FRA', passphrase: 'camille demo passphrase' },
  { agency: 'fr-demo', officerId: 'lucas', name: 'Lucas Bernard', clearance: 'NATO CONFIDENTIAL REL TO FRA', passphrase: 'lucas demo passphrase' },
  { agency: 'uk-demo', officerId: 'alex', name: 'Alex Morgan', clearance: 'NATO SECRET REL TO GBR', passphrase: 'alex demo passphrase' },
  { agency: 'de-demo', officerId: 'jonas', name: 'Jonas Weber', clearance: 'NATO SECRET REL TO DEU', passphrase: 'jonas demo passphrase' },
];

/**
 * fr–uk may exchange up to SECRET, fr–de and uk–de only up to RESTRICTED; each permits releasability to
 * its two nations (an agreement permits only the categories it lists).
 */
export const DEMO_AGREEMENTS: readonly DemoAgreement[] = [
  { proposer: 'fr-demo', partner: 'uk-demo', ceiling: 'NATO SECRET REL TO FRA, GBR' },
  { proposer: 'fr-demo', partner: 'de-demo', ceiling: 'NATO RESTRICTED REL TO DEU, FRA' },
  { proposer: 'uk-demo', partner: 'de-demo', ceiling: 'NATO RESTRICTED REL TO DEU, GBR' },
];

export const DEMO_CHANNEL = 'Liaison cell / Cellule de liaison';

/** Sent by Camille in this order; the need-to-know outcome for each reader is in docs/DEMO.md. */
export const DEMO_NOTES: readonly DemoNote[] = [
  { from: 'camille', marking: 'NATO UNCLASSIFIED', text: 'Welcome to the liaison cell. Bienvenue dans la cellule de liaison.' },
  { from: 'camille', marking: 'NATO RESTRICTED', text: 'Coordination meeting moved to Thursday 09:00, room B-12.' },
  { from: 'camille', marking: 'NATO CONFIDENTIAL', text: 'Liaison schedule for the exercise: teams rotate every 48 hours.' },
  { from: 'camille', marking: 'NATO SECRET REL TO FRA, GBR', text: 'Source reporting confirms the convoy route; details in the next briefing.' },
];
