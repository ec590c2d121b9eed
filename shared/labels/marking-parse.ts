import { EntenteError } from '../errors';
import { normalizeCategories, type CategoryRef, type Clearance, type Label, type MarkingLocation, type Policy } from './model';
import { renderLabelMarking } from './marking-render';
import { markingTables, type CategoryText, type MarkingTables } from './marking-tables';
import { refKey } from './policy-view';
import { describeCategory, validateLabel } from './validate';

/**
 * Marking → label, the exact inverse of renderLabelMarking: a label is returned only if rendering it
 * gives back exactly the text, it is valid under the policy, and no other valid label renders to the
 * same text. Anything else is an error naming the problem (the unknown token, or what is ambiguous).
 *
 * Some SPIFs hide values from markings (noNameDisplay): NATO's Context and "Releasable" values, for
 * instance. A marking cannot say whether such values are present, so when more than one choice of
 * them gives a valid label the caller must state them (`hidden`), and the parser checks the result.
 */
export interface ParseOptions {
  lang?: string;
  location?: MarkingLocation;
  /** The hidden (not displayed) categories the label holds, when the marking cannot show them. */
  hidden?: readonly CategoryRef[];
}

const MAX_HIDDEN_SEARCH = 1 << 14;

interface Visible {
  cats: CategoryText[];
}

interface CatParse {
  solutions: number[][];
  furthest: number;
}

/** All ways (at most two: that is enough to call it ambiguous) the category part can be read. */
function parseCategories(t: MarkingTables, body: string, start: number, headEmpty: boolean, vis: Visible): CatParse {
  const V = vis.cats;
  const dead = new Set<string>();
  const solutions: number[][] = [];
  const path: number[] = [];
  let furthest = start;
  const go = (pos: number, k: number, tag: number): boolean => {
    if (solutions.length >= 2) return true;
    const key = `${pos},${k},${tag}`;
    if (dead.has(key)) return false;
    if (pos > furthest) furthest = pos;
    let found = false;
    const tryStep = (s: string, j: number, nextTag: number): void => {
      if (!body.startsWith(s, pos)) return;
      path.push(j);
      if (go(pos + s.length, j + 1, nextTag)) found = true;
      path.pop();
    };
    if (tag >= 0) {
      const tt = t.tags[tag];
      if (!tt) return false;
      for (let j = k; j < V.length && V[j]?.tagIndex === tag; j++) tryStep(tt.separator + (V[j] as CategoryText).phrase, j, tag);
      if (body.startsWith(tt.suffix, pos)) {
        let k2 = k;
        while (k2 < V.length && V[k2]?.tagIndex === tag) k2++;
        if (go(pos + tt.suffix.length, k2, -1)) found = true;
      }
    } else {
      if (pos === body.length) {
        solutions.push([...path]);
        return true;
      }
      const lead = headEmpty && path.length === 0 ? '' : t.separator;
      for (let j = k; j < V.length; j++) {
        const c = V[j] as CategoryText;
        const tt = t.tags[c.tagIndex];
        if (tt) tryStep(lead + tt.prefix + c.phrase, j, c.tagIndex);
      }
    }
    if (!found) dead.add(key);
    return found;
  };
  go(start, 0, -1);
  return { solutions, furthest };
}

/** The whole word around the point where reading stopped (a prefix of it may have matched). */
function tokenAt(text: string, pos: number): string {
  const sep = /[\s,/|{}[\]]/;
  let start = Math.min(pos, text.length);
  if (start < text.length && sep.test(text[start] as string)) start++;
  else while (start > 0 && !sep.test(text[start - 1] as string)) start--;
  while (start < text.length && sep.test(text[start] as string)) start++;
  let end = start;
  while (end < text.length && !sep.test(text[end] as string)) end++;
  return text.slice(start, end) || '(end of marking)';
}

const unknownToken = (text: string, pos: number): EntenteError =>
  new EntenteError('marking_unknown_token', `unknown marking token "${tokenAt(text, pos)}" at offset ${pos}`);

const visibleOf = (t: MarkingTables): Visible => ({ cats: t.categories.filter((c) => c.phrase !== '') });

export function parseLabelMarking(policy: Policy, text: string, opts: ParseOptions = {}): Label {
  const lang = opts.lang ?? '';
  const location = opts.location ?? 'pageBottom';
  const t = markingTables(policy, lang, location);
  if (text.length > 4096) throw new EntenteError('marking_unknown_token', 'marking longer than 4096 characters');
  if (!text.startsWith(t.prefix)) throw unknownToken(text, 0);
  if (!text.endsWith(t.suffix) || text.length < t.prefix.length + t.suffix.length) throw unknownToken(text, text.length);
  const body = text.slice(t.prefix.length, text.length - t.suffix.length);
  const vis = visibleOf(t);
  const replacers = t.categories.filter((c) => c.replace !== undefined);
  let furthest = 0;
  const bases: { cls: number; cats: number[] }[] = [];
  for (const cls of t.classes.values()) {
    const slots: { text: string; cat: number | null }[] =
      t.policyReplace !== undefined ? [{ text: t.policyReplace, cat: null }]
        : cls.replace !== undefined ? [{ text: cls.replace, cat: null }]
          : [{ text: policy.name, cat: null }, ...replacers.map((c) => ({ text: c.replace as string, cat: c.index }))];
    for (const slot of slots) {
      for (const suppressed of [false, true]) {
        const head = suppressed ? slot.text : slot.text + (slot.text !== '' ? t.separator : '') + cls.phrase;
        if (!body.startsWith(head)) {
          if (body.startsWith(slot.text)) furthest = Math.max(furthest, slot.text.length);
          continue;
        }
        const parsed = parseCategories(t, body, head.length, head === '', vis);
        furthest = Math.max(furthest, parsed.furthest);
        for (const sol of parsed.solutions) {
          const cats = sol.map((j) => (vis.cats[j] as CategoryText).index);
          if (slot.cat !== null) cats.push(slot.cat);
          bases.push({ cls: cls.lacv, cats });
        }
      }
    }
  }
  if (bases.length === 0) throw unknownToken(text, t.prefix.length + furthest);
  const view = t.view;
  const found = new Map<string, Label>();
  let invalid: Label | undefined;
  const consider = (cls: number, indices: Iterable<number>): void => {
    const cats = normalizeCategories([...new Set(indices)].map((i) => (view.categories[i] as (typeof view.categories)[number]).ref));
    const label: Label = { policyId: policy.id, classification: cls, categories: cats };
    const key = `${cls}|${cats.map(refKey).join(',')}`;
    if (found.has(key)) return;
    if (renderLabelMarking(policy, label, { lang, location }) !== text) return;
    if (!validateLabel(policy, label).valid) {
      invalid ??= label;
      return;
    }
    found.set(key, label);
  };
  const hiddenPool = t.categories.filter((c) => c.phrase === '');
  for (const base of bases) {
    if (opts.hidden) {
      const extra = opts.hidden.map((r) => {
        const info = view.categoryByKey.get(refKey(r));
        if (!info) throw new EntenteError('marking_unknown_token', `policy ${policy.name} has no category ${describeCategory(view, r)}`);
        return info.index;
      });
      // The caller fixed the hidden values: a reading that needs another hidden one is not it.
      if (base.cats.some((i) => hiddenPool.some((h) => h.index === i) && !extra.includes(i))) continue;
      consider(base.cls, [...base.cats, ...extra]);
      continue;
    }
    const excluded = (c: CategoryText): boolean => view.categories[c.index]?.category.excludedClasses.includes(base.cls) ?? false;
    const pool = hiddenPool.filter((c) => !base.cats.includes(c.index) && !excluded(c)).map((c) => c.index);
    const combos = 2 ** pool.length;
    if (combos > MAX_HIDDEN_SEARCH) {
      throw new EntenteError('marking_ambiguous', `the marking cannot show ${pool.length} possible hidden values of ${policy.name}; give the hidden categories explicitly`);
    }
    for (let mask = 0; mask < combos && found.size < 2; mask++) {
      const extra = pool.filter((_, i) => (mask & (1 << i)) !== 0);
      consider(base.cls, [...base.cats, ...extra]);
    }
    if (found.size >= 2) break;
  }
  const labels = [...found.values()];
  if (labels.length === 1) return labels[0] as Label;
  if (labels.length === 0) {
    if (invalid) throw new EntenteError('label_invalid', `the marking names a label that is not valid under ${policy.name}: ${validateLabel(policy, invalid).reasons.map((r) => r.message).join('; ')}`);
    throw unknownToken(text, t.prefix.length + furthest);
  }
  throw ambiguity(policy, labels[0] as Label, labels[1] as Label);
}

function ambiguity(policy: Policy, a: Label, b: Label): EntenteError {
  const view = markingTables(policy, '', 'pageBottom').view;
  const ka = new Set(a.categories.map(refKey));
  const kb = new Set(b.categories.map(refKey));
  const diff = [...a.categories.filter((c) => !kb.has(refKey(c))), ...b.categories.filter((c) => !ka.has(refKey(c)))];
  const names = diff.map((c) => describeCategory(view, c));
  if (a.classification !== b.classification) {
    const name = (l: number): string => view.classByLacv.get(l)?.cls.name ?? String(l);
    return new EntenteError('marking_ambiguous', `the marking is ambiguous: the policy suppresses the classification name, which could be ${name(a.classification)} or ${name(b.classification)}`);
  }
  return new EntenteError('marking_ambiguous', `the marking is ambiguous: it does not show whether the label holds ${names.join(', ')}; give the hidden categories explicitly`);
}

/**
 * Clearance marking → clearance. Values a SPIF hides cannot be read from the text; they are only
 * included when given in `hidden`, so the result is the smallest clearance the text describes.
 */
export function parseClearanceMarking(policy: Policy, text: string, opts: { lang?: string; hidden?: readonly CategoryRef[] } = {}): Clearance {
  const t = markingTables(policy, opts.lang ?? '', 'pageBottom');
  if (!text.startsWith(`${t.prefix}{`)) throw unknownToken(text, 0);
  if (!text.endsWith(t.suffix)) throw unknownToken(text, text.length);
  const body = text.slice(t.prefix.length, text.length - t.suffix.length);
  const close = body.indexOf('}');
  if (close < 0) throw unknownToken(text, t.prefix.length);
  const names = body.slice(1, close);
  const byName = new Map([...t.classes.values()].map((c) => [c.name, c.lacv]));
  const classes: number[] = [];
  let pos = 0;
  while (pos < names.length) {
    const hit = [...byName.keys()].filter((n) => names.startsWith(n, pos) && (pos + n.length === names.length || names[pos + n.length] === '|'));
    if (hit.length !== 1) throw hit.length === 0 ? unknownToken(text, t.prefix.length + 1 + pos) : new EntenteError('marking_ambiguous', `ambiguous classification at offset ${pos}`);
    classes.push(byName.get(hit[0] as string) as number);
    pos += (hit[0] as string).length + 1;
  }
  const parsed = parseCategories(t, body, close + 1, false, visibleOf(t));
  if (parsed.solutions.length === 0) throw unknownToken(text, t.prefix.length + parsed.furthest);
  if (parsed.solutions.length > 1) throw new EntenteError('marking_ambiguous', 'the categories of this clearance marking can be read in more than one way');
  const vis = visibleOf(t);
  const cats = (parsed.solutions[0] as number[]).map((j) => t.view.categories[(vis.cats[j] as CategoryText).index]?.ref as CategoryRef);
  return { policyId: policy.id, classifications: classes, categories: normalizeCategories([...cats, ...(opts.hidden ?? [])]) };
}
