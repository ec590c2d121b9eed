import { EntenteError } from '../../shared/errors';
import {
  Oid,
  type Applied,
  type EquivalentCategory,
  type ForeignMatcher,
  type ForeignRequirement,
  type MarkingCode,
  type MarkingLang,
  type Markings,
  type Operation,
  type TagType,
} from '../../shared/labels/model';
import type { XmlElement } from './safe-xml';

/** Pieces of the SPIF compiler: attribute reading, tag types, marking data, rules and equivalents. */

export const SPIF_NS = 'http://www.xmlspif.org/spif';
export const NATO_RBAC = '2.16.840.1.101.2.1.8.3';

export const spifError = (el: XmlElement | undefined, message: string): EntenteError =>
  new EntenteError('spif_invalid', el ? `${message} (line ${el.line})` : message);

/** Children in the SPIF's namespace (the namespace of its root: the SPIF one, or none). */
export const kids = (el: XmlElement, ns: string, local: string): XmlElement[] => el.children.filter((c) => c.ns === ns && c.local === local);

export function attr(el: XmlElement, name: string): string | undefined {
  return el.attrs.get(name);
}

export function requireAttr(el: XmlElement, name: string, what: string): string {
  const v = el.attrs.get(name);
  if (v === undefined || v.trim() === '') throw spifError(el, `${what} has no ${name}`);
  return v.trim();
}

export function intAttr(el: XmlElement, name: string, what: string): number {
  const raw = requireAttr(el, name, what);
  if (!/^\d{1,10}$/.test(raw)) throw spifError(el, `${what}: ${name}="${raw}" is not a non-negative integer`);
  const n = Number.parseInt(raw, 10);
  if (n > 0x7fffffff) throw spifError(el, `${what}: ${name}="${raw}" is too large`);
  return n;
}

export function oidAttr(el: XmlElement, name: string, what: string): string {
  const raw = requireAttr(el, name, what);
  if (!Oid.safeParse(raw).success) throw spifError(el, `${what}: ${name}="${raw}" is not an OID`);
  return raw;
}

export const boolAttr = (el: XmlElement, name: string): boolean => (el.attrs.get(name) ?? '').trim() === 'true';

/** SPIF tagType (+ enumType) → the five tag types; anything else is an error, never a guess. */
export function tagTypeOf(el: XmlElement, what: string): TagType {
  const t = requireAttr(el, 'tagType', what);
  switch (t) {
    case 'permissive':
      return 'permissive';
    case 'restrictive':
      return 'restrictive';
    case 'tagType7':
    case 'informative':
      return 'informative';
    case 'enumerated': {
      const e = requireAttr(el, 'enumType', what);
      if (e === 'permissive') return 'enumeratedPermissive';
      if (e === 'restrictive') return 'enumeratedRestrictive';
      throw spifError(el, `${what}: unknown enumType "${e}"`);
    }
    default:
      throw spifError(el, `${what}: unknown tagType "${t}"`);
  }
}

const CODES: Record<string, MarkingCode[]> = {
  pageTop: ['pageTop'],
  pageBottom: ['pageBottom'],
  pageTopBottom: ['pageTop', 'pageBottom'],
  documentStart: ['documentStart'],
  documentEnd: ['documentEnd'],
  noNameDisplay: ['noNameDisplay'],
  noMarkingDisplay: ['noMarkingDisplay'],
  suppressClassName: ['suppressClassName'],
  replacePolicy: ['replacePolicy'],
};

/** markingQualifier and markingData of one holder, grouped by xml:lang ('' = untagged). */
export function parseMarkings(holder: XmlElement, ns: string, what: string): Markings {
  const byLang = new Map<string, MarkingLang>();
  const get = (lang: string): MarkingLang => {
    let m = byLang.get(lang);
    if (!m) {
      m = { lang, prefix: null, suffix: null, separator: null, phrases: [] };
      byLang.set(lang, m);
    }
    return m;
  };
  for (const mq of kids(holder, ns, 'markingQualifier')) {
    for (const q of kids(mq, ns, 'qualifier')) {
      const text = attr(q, 'markingQualifier');
      const code = attr(q, 'qualifierCode');
      if (text === undefined || code === undefined) throw spifError(q, `${what}: qualifier needs markingQualifier and qualifierCode`);
      const m = get(attr(q, 'xml:lang') ?? attr(mq, 'xml:lang') ?? '');
      if (code === 'prefix') m.prefix = text;
      else if (code === 'suffix') m.suffix = text;
      else if (code === 'separator') m.separator = text;
      else throw spifError(q, `${what}: unknown qualifierCode "${code}"`);
    }
  }
  for (const md of kids(holder, ns, 'markingData')) {
    const codes = new Set<MarkingCode>();
    for (const c of kids(md, ns, 'code')) {
      const mapped = CODES[c.text.trim()];
      if (!mapped) throw spifError(c, `${what}: unknown marking code "${c.text.trim()}"`);
      for (const x of mapped) codes.add(x);
    }
    get(attr(md, 'xml:lang') ?? '').phrases.push({ phrase: attr(md, 'phrase') ?? null, codes: [...codes] });
  }
  return [...byLang.values()];
}

/** A categoryGroup / excludedCategory as written: tag set by name (resolved by the caller). */
export function parseMatcher(el: XmlElement, what: string): ForeignMatcher {
  const tagSetName = requireAttr(el, 'tagSetRef', what);
  const lacv = attr(el, 'lacv');
  return { tagSetName, tagType: tagTypeOf(el, what), lacv: lacv === undefined || lacv.trim() === '' ? null : intAttr(el, 'lacv', what) };
}

export function parseRequirements(holder: XmlElement, ns: string, what: string): ForeignRequirement[] {
  return kids(holder, ns, 'requiredCategory').map((rc) => {
    const op = requireAttr(rc, 'operation', `${what}: requiredCategory`);
    if (op !== 'all' && op !== 'oneOrMore' && op !== 'onlyOne') throw spifError(rc, `${what}: unknown operation "${op}"`);
    const groups = kids(rc, ns, 'categoryGroup').map((g) => parseMatcher(g, `${what}: categoryGroup`));
    if (groups.length === 0) throw spifError(rc, `${what}: requiredCategory without categoryGroup`);
    return { operation: op as Operation, groups };
  });
}

export function parseApplied(el: XmlElement, what: string): Applied {
  const a = requireAttr(el, 'applied', what);
  if (a !== 'encrypt' && a !== 'decrypt' && a !== 'both') throw spifError(el, `${what}: applied="${a}" is not encrypt, decrypt or both`);
  return a;
}

export function parseEquivalentCategory(el: XmlElement, policies: Map<string, string>, what: string): EquivalentCategory {
  const ref = requireAttr(el, 'policyRef', what);
  const policyId = policies.get(ref);
  if (!policyId) throw spifError(el, `${what}: policyRef "${ref}" names no equivalentPolicy`);
  const applied = parseApplied(el, what);
  if (attr(el, 'action') !== undefined) {
    if (attr(el, 'action') !== 'discard') throw spifError(el, `${what}: unknown action "${attr(el, 'action')}"`);
    return { action: 'discard', policyId, applied };
  }
  return { action: 'map', policyId, applied, tagSetId: oidAttr(el, 'tagSetId', what), tagType: tagTypeOf(el, what), lacv: intAttr(el, 'lacv', what) };
}
