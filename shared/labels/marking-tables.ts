import type { MarkingLocation, Policy } from './model';
import { itemPhrase, locationBit, policyReplacement, resolveMarkings, suppressesClassName, type Resolved } from './marking-data';
import { viewOf, type PolicyView } from './policy-view';

/**
 * Everything a marking needs, resolved once per (policy, language, location): the renderer and the
 * parser both read these tables, which keeps the parser the exact inverse of the renderer.
 */

export interface ClassText {
  lacv: number;
  name: string;
  hierarchy: number;
  phrase: string;
  /** Text that replaces the policy name when this classification is used, if it does. */
  replace: string | undefined;
}

export interface CategoryText {
  index: number;
  tagIndex: number;
  /** '' when the SPIF hides the value from markings (noNameDisplay / noMarkingDisplay). */
  phrase: string;
  replace: string | undefined;
  suppressClassName: boolean;
}

export interface TagText {
  prefix: string;
  separator: string;
  suffix: string;
}

export interface MarkingTables {
  view: PolicyView;
  prefix: string;
  suffix: string;
  separator: string;
  /** Set when the policy-level marking data replaces the policy name whatever the label holds. */
  policyReplace: string | undefined;
  classes: Map<number, ClassText>;
  categories: CategoryText[];
  tags: TagText[];
}

const cache = new WeakMap<Policy, Map<string, MarkingTables>>();

const replacementText = (r: Resolved, loc: number, name: string): string | undefined => {
  const rep = policyReplacement(r, loc);
  return rep ? (rep.phrase ?? name) : undefined;
};

export function markingTables(policy: Policy, lang: string, location: MarkingLocation): MarkingTables {
  let perKey = cache.get(policy);
  if (!perKey) {
    perKey = new Map();
    cache.set(policy, perKey);
  }
  const key = `${lang.toLowerCase()}|${location}`;
  const hit = perKey.get(key);
  if (hit) return hit;
  const tables = build(policy, lang, locationBit(location));
  perKey.set(key, tables);
  return tables;
}

function build(policy: Policy, lang: string, loc: number): MarkingTables {
  const view = viewOf(policy);
  const pr = resolveMarkings(policy.markings, lang);
  const classes = new Map<number, ClassText>();
  for (const { cls } of view.classes) {
    const r = resolveMarkings(cls.markings, lang);
    let phrase: string;
    if (r.entries.length > 0) phrase = itemPhrase(r, loc, cls.name);
    else if (pr.entries.length > 0) phrase = itemPhrase(pr, loc, cls.name);
    else phrase = cls.name;
    classes.set(cls.lacv, { lacv: cls.lacv, name: cls.name, hierarchy: cls.hierarchy, phrase, replace: replacementText(r, loc, cls.name) });
  }
  const categories = view.categories.map((info): CategoryText => {
    const own = resolveMarkings(info.category.markings, lang);
    const source = own.entries.length > 0 ? own : resolveMarkings(info.tag.tag.markings, lang);
    return {
      index: info.index,
      tagIndex: info.tag.index,
      phrase: itemPhrase(source, loc, info.category.name),
      replace: replacementText(own, loc, info.category.name),
      suppressClassName: suppressesClassName(own, loc),
    };
  });
  const tags = view.tags.map((t): TagText => {
    const r = resolveMarkings(t.tag.markings, lang);
    return { prefix: r.prefix ?? '', separator: r.separator || '/', suffix: r.suffix ?? '' };
  });
  return {
    view,
    prefix: pr.prefix ?? '',
    suffix: pr.suffix ?? '',
    separator: pr.separator || ' ',
    policyReplace: replacementText(pr, loc, policy.name),
    classes,
    categories,
    tags,
  };
}

/** Appends the category part of a marking: values in SPIF order, grouped by tag with its qualifiers. */
export function appendCategories(t: MarkingTables, marking: string, indices: readonly number[]): string {
  let currentTag = -1;
  let tagSuffix = '';
  let tagSep = '/';
  let out = marking;
  for (const i of indices) {
    const c = t.categories[i];
    if (!c || c.phrase === '') continue;
    if (c.tagIndex !== currentTag) {
      out += tagSuffix;
      if (out !== '') out += t.separator;
      const tag = t.tags[c.tagIndex] ?? { prefix: '', separator: '/', suffix: '' };
      out += tag.prefix;
      tagSuffix = tag.suffix;
      tagSep = tag.separator;
      currentTag = c.tagIndex;
    } else {
      out += tagSep;
    }
    out += c.phrase;
  }
  return out + tagSuffix;
}

