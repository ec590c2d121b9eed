import { EntenteError } from '../errors';
import { Clearance, Label, normalizeClearance, normalizeLabel } from './model';

/**
 * Canonical JSON: the exact bytes later issues sign. Rules (a subset of RFC 8785 / JCS):
 *  - objects: keys sorted by UTF-16 code units (JavaScript's default sort), no duplicates;
 *  - no whitespace anywhere; strings escaped as JSON.stringify escapes them;
 *  - numbers: safe integers only (no fractions, exponents, NaN, Infinity or -0 distinctions);
 *  - arrays keep their order (callers normalise sets, e.g. label categories, before encoding);
 *  - `undefined` members are omitted; null, booleans allowed; nothing else (no Date, Map, …);
 *  - the text is encoded as UTF-8 without BOM.
 */
export function canonicalJson(value: unknown): string {
  return enc(value, 0);
}

function enc(v: unknown, depth: number): string {
  if (depth > 64) throw new EntenteError('canonical_json_invalid', 'nesting deeper than 64');
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(v)) throw new EntenteError('canonical_json_invalid', `not a safe integer: ${String(v)}`);
      return String(v === 0 ? 0 : v);
    case 'string':
      return JSON.stringify(v);
    case 'object': {
      if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : enc(x, depth + 1))).join(',')}]`;
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new EntenteError('canonical_json_invalid', 'only plain objects can be encoded');
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${enc(x, depth + 1)}`).join(',')}}`;
    }
    default:
      throw new EntenteError('canonical_json_invalid', `cannot encode a ${typeof v}`);
  }
}

/** UTF-8 of a string (shared code has neither TextEncoder nor Buffer in its type libraries). */
export function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) throw new EntenteError('canonical_json_invalid', 'lone surrogate in string');
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

export const canonicalJsonBytes = (value: unknown): Uint8Array => utf8(canonicalJson(value));

/** The canonical label: validated, categories sorted and de-duplicated, then canonical JSON. */
export function canonicalLabel(label: Label): string {
  const parsed = Label.safeParse(label);
  if (!parsed.success) throw new EntenteError('label_malformed', `not a label: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return canonicalJson(normalizeLabel(parsed.data));
}

export function canonicalClearance(clearance: Clearance): string {
  const parsed = Clearance.safeParse(clearance);
  if (!parsed.success) throw new EntenteError('clearance_malformed', `not a clearance: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return canonicalJson(normalizeClearance(parsed.data));
}

/** Reads a canonical label back; rejects any text that is not byte-for-byte canonical. */
export function parseCanonicalLabel(text: string): Label {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new EntenteError('label_malformed', 'canonical label is not JSON');
  }
  const parsed = Label.safeParse(raw);
  if (!parsed.success) throw new EntenteError('label_malformed', `not a label: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  if (canonicalLabel(parsed.data) !== text) throw new EntenteError('label_malformed', 'label JSON is not in canonical form');
  return parsed.data;
}
