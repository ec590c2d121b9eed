import { EntenteError } from '../errors';
import { normalizeCategories, type CategoryRef, type Clearance, type Label, type MarkingLocation, type Policy } from './model';
import { parseCategories, visibleOf, type CatParse } from './marking-parse-categories';
import { renderLabelMarking } from './marking-render';
import { appendCategories, markingTables, type CategoryText, type MarkingTables } from './marking-tables';
import { refKey } from './policy-view';
import { describeCategory, validateLabel } from './validate';

/**
 * Marking → label, the exact inverse of renderLabelMarking: a label is returned only if rendering it
 * gives back the text — exactly, except that the values inside one list (REL TO FRA, DEU) may be typed
 * in any order (marking-parse-categories.ts) — it is valid under the policy, and no other valid label
 * reads from the same text. Anything else is an error naming the problem (the unknown token, the
 * value named twice or out of place, or what is ambiguous). parse(render(label)) == label; render(parse(text)) is the
 * text in the policy's order.
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

const WORD_SEPARATOR = /[\s,/|{}[\]]/;

/** The whole word around the point where reading stopped (a prefix of it may have matched), and where it starts. */
function wordAt(text: string, pos: number): { start: number; word: string } {
  let start = Math.min(pos, text.length);
  if (start < text.length && WORD_SEPARATOR.test(text[start] as string)) start++;
  else while (start > 0 && !WORD_SEPARATOR.test(text[start - 1] as string)) start--;
  while (start < text.length && WORD_SEPARATOR.test(text[start] as string)) start++;
  let end = start;
  while (end < text.length && !WORD_SEPARATOR.test(text[end] as string)) end++;
  return { start, word: text.slice(start, end) };
}

/**
 * A marking refused at a place in its text. `offset` is how far reading got: with several policies,
 * the one that read furthest has the refusal worth showing (cli/marking.ts).
 */
export class MarkingError extends EntenteError {
  readonly offset: number;
  constructor(code: ConstructorParameters<typeof EntenteError>[0], message: string, offset: number) {
    super(code, message);
    this.offset = offset;
  }
}

const unknownToken = (text: string, pos: number): MarkingError =>
  new MarkingError('marking_unknown_token', `unknown marking token "${wordAt(text, pos).word || '(end of marking)'}" at offset ${pos}`, pos);

/**
 * Reading stopped at `pos`, in the lists after the head. A word the policy does not know is named as
 * unknown. A value it does know is misplaced there (in another list, lists out of the policy's order, a
 * prefix or separator missing): calling it unknown would send the officer looking for the wrong
 * mistake, so the error says what it is instead.
 */
function stuckAt(t: MarkingTables, policy: Policy, text: string, pos: number): EntenteError {
  const { start } = wordAt(text, pos);
  const ends = (i: number): boolean => i >= text.length || WORD_SEPARATOR.test(text[i] as string);
  const known = t.categories
    .filter((c) => c.phrase !== '' && text.startsWith(c.phrase, start) && ends(start + c.phrase.length))
    .sort((a, b) => b.phrase.length - a.phrase.length)[0];
  if (known === undefined) return unknownToken(text, pos);
  const shown = t.view.tags.filter((g) => t.categories.some((c) => c.tagIndex === g.index && c.phrase !== ''));
  const order = [...new Set(shown.map((g) => g.tagSet.name))].join(', ');
  const owner = t.view.tags[known.tagIndex]?.tagSet.name ?? 'a category';
  return new MarkingError('label_malformed', `cannot read "${known.phrase}" (a value of ${owner}) at offset ${start}: ${policy.name} writes its lists in the order ${order}, with the prefixes and separators it renders`, start);
}

/**
 * A marking whose only readings name a value twice in one list (CatParse.duplicate). Coded
 * label_malformed: no label has a value twice, so the text is the marking of none; saying "unknown
 * token" of a value the policy knows would send the officer looking for the wrong mistake.
 */
function repeated(t: MarkingTables, offset: number, dup: NonNullable<CatParse['duplicate']>): EntenteError {
  const tagSet = t.view.tags[dup.value.tagIndex]?.tagSet.name ?? 'its category';
  return new MarkingError('label_malformed', `the marking names ${dup.value.phrase} twice (${tagSet}, again at offset ${offset + dup.pos}); write each value once`, offset + dup.pos);
}

const tooManyReadings = (): EntenteError =>
  new EntenteError('marking_ambiguous', 'the marking can be read in too many ways to tell which values it names; write it as the policy renders it');

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
  /** Whether reading stopped furthest inside the lists (after a head that matched), not in the head. */
  let stoppedInList = false;
  let duplicate: CatParse['duplicate'] = null;
  /** Each reading: its classification, values, and its marking in the policy's order (the text's own when typed so). */
  const bases: { cls: number; cats: number[]; canonical: string }[] = [];
  for (const cls of t.classes.values()) {
    const slots: { text: string; cat: number | null }[] =
      t.policyReplace !== undefined ? [{ text: t.policyReplace, cat: null }]
        : cls.replace !== undefined ? [{ text: cls.replace, cat: null }]
          : [{ text: policy.name, cat: null }, ...replacers.map((c) => ({ text: c.replace as string, cat: c.index }))];
    for (const slot of slots) {
      for (const suppressed of [false, true]) {
        const head = suppressed ? slot.text : slot.text + (slot.text !== '' ? t.separator : '') + cls.phrase;
        if (!body.startsWith(head)) {
          // Where the text leaves this head is where an unknown word in it is ("NATO ULTRA": ULTRA).
          let common = 0;
          while (common < head.length && body[common] === head[common]) common++;
          if (common > furthest) {
            furthest = common;
            stoppedInList = false;
          }
          continue;
        }
        const parsed = parseCategories(t, body, head.length, head === '', vis);
        if (parsed.truncated) throw tooManyReadings();
        // An empty head (its classification name suppressed) that read nothing is no sign the text is a list.
        if (parsed.furthest >= furthest && (head !== '' || parsed.furthest > 0)) {
          furthest = parsed.furthest;
          stoppedInList = true;
        }
        duplicate ??= parsed.duplicate;
        for (const sol of parsed.solutions) {
          const shown = sol.map((j) => (vis.cats[j] as CategoryText).index);
          const canonical = t.prefix + appendCategories(t, head, shown) + t.suffix;
          bases.push({ cls: cls.lacv, cats: slot.cat === null ? shown : [...shown, slot.cat], canonical });
        }
      }
    }
  }
  const unreadable = (): EntenteError => {
    if (duplicate !== null) return repeated(t, t.prefix.length, duplicate);
    return stoppedInList ? stuckAt(t, policy, text, t.prefix.length + furthest) : unknownToken(text, t.prefix.length + furthest);
  };
  if (bases.length === 0) throw unreadable();
  const view = t.view;
  const found = new Map<string, Label>();
  let invalid: Label | undefined;
  // A label is the reading's when it renders to the reading's marking in the policy's order: the text
  // itself, or the text with the values of its lists put back in that order.
  const consider = (cls: number, indices: Iterable<number>, canonical: string): void => {
    const cats = normalizeCategories([...new Set(indices)].map((i) => (view.categories[i] as (typeof view.categories)[number]).ref));
    const label: Label = { policyId: policy.id, classification: cls, categories: cats };
    const key = `${cls}|${cats.map(refKey).join(',')}`;
    if (found.has(key)) return;
    if (renderLabelMarking(policy, label, { lang, location }) !== canonical) return;
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
      consider(base.cls, [...base.cats, ...extra], base.canonical);
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
      consider(base.cls, [...base.cats, ...extra], base.canonical);
    }
    if (found.size >= 2) break;
  }
  const labels = [...found.values()];
  if (labels.length === 1) return labels[0] as Label;
  if (labels.length === 0) {
    if (invalid) throw new EntenteError('label_invalid', `the marking names a label that is not valid under ${policy.name}: ${validateLabel(policy, invalid).reasons.map((r) => r.message).join('; ')}`);
    throw unreadable();
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
    if (hit.length !== 1) throw hit.length === 0 ? unknownToken(text, t.prefix.length + 1 + pos) : new MarkingError('marking_ambiguous', `ambiguous classification at offset ${pos}`, pos);
    classes.push(byName.get(hit[0] as string) as number);
    pos += (hit[0] as string).length + 1;
  }
  const parsed = parseCategories(t, body, close + 1, false, visibleOf(t));
  if (parsed.truncated) throw tooManyReadings();
  if (parsed.solutions.length === 0) throw parsed.duplicate !== null ? repeated(t, t.prefix.length, parsed.duplicate) : stuckAt(t, policy, text, t.prefix.length + parsed.furthest);
  if (parsed.solutions.length > 1) throw new EntenteError('marking_ambiguous', 'the categories of this clearance marking can be read in more than one way');
  const vis = visibleOf(t);
  const cats = (parsed.solutions[0] as number[]).map((j) => t.view.categories[(vis.cats[j] as CategoryText).index]?.ref as CategoryRef);
  return { policyId: policy.id, classifications: classes, categories: normalizeCategories([...cats, ...(opts.hidden ?? [])]) };
}
