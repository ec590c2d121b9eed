import type { MarkingLocation, Markings } from './model';

/**
 * How a SPIF's marking data is read for one language and one location. Semantics follow the
 * reference library (surevine/spiffing) where it has any, with one deliberate difference: an entry
 * without `xml:lang` applies in every language unless the language's own entries say otherwise, so
 * a French rendering keeps, say, NATO's "COSMIC" policy replacement that only the untagged entry gives.
 */

const LOCATION_BITS: Record<MarkingLocation, number> = { pageTop: 1, pageBottom: 2, documentStart: 4, documentEnd: 8 };
export const locationBit = (loc: MarkingLocation): number => LOCATION_BITS[loc];

export interface Entry {
  phrase: string | null;
  /** Locations the entry applies to (bits of LOCATION_BITS); pageBottom when the SPIF names none. */
  loc: number;
  hide: boolean;
  suppressClassName: boolean;
  replacePolicy: boolean;
}

export interface Resolved {
  prefix: string | null;
  suffix: string | null;
  separator: string | null;
  /** The language's own entries first, then the untagged ones. */
  entries: Entry[];
}

const EMPTY: Resolved = { prefix: null, suffix: null, separator: null, entries: [] };

function toEntries(phrases: Markings[number]['phrases']): Entry[] {
  return phrases.map((p) => {
    let loc = 0;
    for (const c of p.codes) if (c in LOCATION_BITS) loc |= LOCATION_BITS[c as MarkingLocation];
    return {
      phrase: p.phrase,
      loc: loc === 0 ? LOCATION_BITS.pageBottom : loc,
      // noMarkingDisplay hides like noNameDisplay: the author asked for the value not to be shown.
      hide: p.codes.includes('noNameDisplay') || p.codes.includes('noMarkingDisplay'),
      suppressClassName: p.codes.includes('suppressClassName'),
      replacePolicy: p.codes.includes('replacePolicy'),
    };
  });
}

const norm = (lang: string): string => lang.trim().toLowerCase().replace(/_/g, '-');

/** The language's entry: exact tag, else its primary subtag ("fr-CA" → "fr"); '' picks nothing. */
function pick(markings: Markings, lang: string): Markings[number] | undefined {
  const want = norm(lang);
  if (want === '') return undefined;
  const exact = markings.find((m) => m.lang !== '' && norm(m.lang) === want);
  if (exact) return exact;
  const primary = want.split('-')[0] ?? '';
  return markings.find((m) => m.lang !== '' && norm(m.lang) === primary);
}

const cache = new WeakMap<Markings, Map<string, Resolved>>();

export function resolveMarkings(markings: Markings, lang: string): Resolved {
  if (markings.length === 0) return EMPTY;
  let perLang = cache.get(markings);
  if (!perLang) {
    perLang = new Map();
    cache.set(markings, perLang);
  }
  const key = norm(lang);
  const hit = perLang.get(key);
  if (hit) return hit;
  const own = pick(markings, lang);
  const base = markings.find((m) => m.lang === '');
  const resolved: Resolved = {
    prefix: own?.prefix ?? base?.prefix ?? null,
    suffix: own?.suffix ?? base?.suffix ?? null,
    separator: own?.separator ?? base?.separator ?? null,
    entries: [...(own ? toEntries(own.phrases) : []), ...(base ? toEntries(base.phrases) : [])],
  };
  perLang.set(key, resolved);
  return resolved;
}

/** The text an item shows at a location: '' when hidden, its own name when no phrase applies. */
export function itemPhrase(r: Resolved, loc: number, name: string): string {
  for (const e of r.entries) {
    if ((e.loc & loc) === 0) continue;
    if (e.hide) return '';
    if (e.replacePolicy || e.phrase === null) return name;
    return e.phrase;
  }
  return name;
}

/** Whether any entry applies at the location (an item with none falls back to its tag's data). */
export const hasEntryAt = (r: Resolved, loc: number): boolean => r.entries.some((e) => (e.loc & loc) !== 0);

/** What replaces the policy name, if this item replaces it at this location (null phrase = item name). */
export function policyReplacement(r: Resolved, loc: number): { phrase: string | null } | undefined {
  for (const e of r.entries) if (e.replacePolicy && (e.loc & loc) !== 0) return { phrase: e.phrase };
  return undefined;
}

export const suppressesClassName = (r: Resolved, loc: number): boolean =>
  r.entries.some((e) => e.suppressClassName && (e.loc & loc) !== 0);
