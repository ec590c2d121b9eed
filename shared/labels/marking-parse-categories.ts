import type { CategoryText, MarkingTables } from './marking-tables';

/**
 * The category part of a marking, read back: after the head (policy and classification) come the
 * groups, one per tag, in the policy's order (the renderer's, appendCategories), each a prefix, its
 * values joined by the tag's separator, and a suffix.
 *
 * The values inside one group may come in any order. Officers type markings by hand, and "REL TO FRA,
 * DEU" means the same set as the rendered "REL TO DEU, FRA"; the caller renders the canonical order
 * again from the label. What may not vary is the set: two readings of the text that give different
 * sets of values are an ambiguity, and a value named twice in a group is refused (a label holds a value
 * once, so the text cannot be its marking). Groups stay in the policy's order: with several tags whose
 * prefixes may be empty, letting them move would make far more texts ambiguous for little gain.
 */

/** The visible values (phrase ≠ ''), in the order of their dense index (the SPIF's order). */
export interface Visible {
  cats: CategoryText[];
}

export interface CatParse {
  /** Distinct readings (each a set of positions in Visible.cats, ascending); at most two are looked for. */
  solutions: number[][];
  /** A complete reading that names a value twice, the first one found: the value and where it repeats. */
  duplicate: { value: CategoryText; pos: number } | null;
  /** The furthest offset of the body any reading reached (where an unknown token would be). */
  furthest: number;
  /** MAX_READINGS complete readings without two distinct sets: uniqueness unproven, so ambiguous. */
  truncated: boolean;
}

/**
 * Complete readings examined before giving up looking for a second distinct one (the caller then calls
 * the marking ambiguous rather than trust the first). The shipped policies' markings have exactly one;
 * many mean a policy whose phrases overlap its separators, or a hostile text on such a policy.
 */
const MAX_READINGS = 64;

export const visibleOf = (t: MarkingTables): Visible => ({ cats: t.categories.filter((c) => c.phrase !== '') });

/** Reads `body` from `start` to its end as groups of category values; `headEmpty`: no separator before the first group. */
export function parseCategories(t: MarkingTables, body: string, start: number, headEmpty: boolean, vis: Visible): CatParse {
  const V = vis.cats;
  // The positions in V of each tag's values; tags in the policy's order.
  const byTag = new Map<number, number[]>();
  V.forEach((c, j) => byTag.set(c.tagIndex, [...(byTag.get(c.tagIndex) ?? []), j]));
  const tagOrder = [...byTag.keys()].sort((a, b) => a - b);

  const solutions: number[][] = [];
  const seen = new Set<string>();
  let duplicate: CatParse['duplicate'] = null;
  let readings = 0;
  let furthest = start;
  /** The values of the reading so far, in text order, with their offsets. */
  const path: { j: number; pos: number }[] = [];
  // States from which no complete reading exists (whether it repeats a value or not is the path's
  // affair, decided at the end): that is path-independent, so it can be remembered.
  const dead = new Set<string>();
  const enough = (): boolean => solutions.length >= 2 || readings >= MAX_READINGS;
  const reach = (pos: number): void => {
    if (pos > furthest) furthest = pos;
  };

  const complete = (): void => {
    readings++;
    const used = new Set<number>();
    for (const step of path) {
      if (used.has(step.j)) {
        duplicate ??= { value: V[step.j] as CategoryText, pos: step.pos };
        return;
      }
      used.add(step.j);
    }
    const set = [...used].sort((a, b) => a - b);
    const key = set.join(',');
    if (!seen.has(key)) {
      seen.add(key);
      solutions.push(set);
    }
  };

  /** Between groups: the end, or the next group, of a tag after `after`. */
  const between = (pos: number, after: number): boolean => {
    const key = `b${pos},${after}`;
    if (dead.has(key)) return false;
    reach(pos);
    if (pos === body.length) {
      complete();
      return true;
    }
    let found = false;
    const lead = headEmpty && path.length === 0 ? '' : t.separator;
    if (body.startsWith(lead, pos)) {
      for (const tag of tagOrder) {
        if (tag <= after || enough()) continue;
        const prefix = t.tags[tag]?.prefix ?? '';
        const at = pos + lead.length;
        if (body.startsWith(prefix, at) && value(at + prefix.length, tag)) found = true;
      }
    }
    if (!found) dead.add(key);
    return found;
  };

  /** At a value of `tag`: any of its values, in any order. */
  const value = (pos: number, tag: number): boolean => {
    const key = `v${pos},${tag}`;
    if (dead.has(key)) return false;
    reach(pos);
    let found = false;
    for (const j of byTag.get(tag) ?? []) {
      if (enough()) break;
      const phrase = (V[j] as CategoryText).phrase;
      if (!body.startsWith(phrase, pos)) continue;
      path.push({ j, pos });
      if (afterValue(pos + phrase.length, tag)) found = true;
      path.pop();
    }
    if (!found) dead.add(key);
    return found;
  };

  /** After a value of `tag`: another one, or the group's end. */
  const afterValue = (pos: number, tag: number): boolean => {
    const key = `a${pos},${tag}`;
    if (dead.has(key)) return false;
    reach(pos);
    const tt = t.tags[tag];
    if (!tt) return false;
    let found = false;
    if (body.startsWith(tt.separator, pos) && value(pos + tt.separator.length, tag)) found = true;
    if (!enough() && body.startsWith(tt.suffix, pos) && between(pos + tt.suffix.length, tag)) found = true;
    if (!found) dead.add(key);
    return found;
  };

  between(start, -1);
  return { solutions, duplicate, furthest, truncated: readings >= MAX_READINGS && solutions.length < 2 };
}
