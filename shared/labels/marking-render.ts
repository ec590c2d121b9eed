import { EntenteError } from '../errors';
import type { Clearance, Label, MarkingLocation, Policy } from './model';
import { appendCategories, markingTables, type MarkingTables } from './marking-tables';
import { lookupCategory } from './policy-view';
import { describeCategory } from './validate';

export interface MarkingOptions {
  /** BCP 47 tag ('en', 'fr', 'fr-CA'); '' or absent renders the SPIF's untagged (default) text. */
  lang?: string;
  location?: MarkingLocation;
}

/** Dense category indices of a label, in SPIF order; unknown values are an error (never guessed). */
export function categoryIndices(t: MarkingTables, policy: Policy, cats: Label['categories']): number[] {
  const out: number[] = [];
  for (const ref of cats) {
    const info = lookupCategory(t.view, ref);
    if (!info) throw new EntenteError('label_invalid', `policy ${policy.name} has no category ${describeCategory(t.view, ref)}`);
    if (!out.includes(info.index)) out.push(info.index);
  }
  return out.sort((a, b) => a - b);
}

/** The head of a marking: the policy slot and the classification, before any category. */
export function renderHead(t: MarkingTables, policy: Policy, classLacv: number, indices: readonly number[]): string {
  const cls = t.classes.get(classLacv);
  if (!cls) throw new EntenteError('label_invalid', `policy ${policy.name} has no classification ${classLacv}`);
  let slot: string | undefined = t.policyReplace ?? cls.replace;
  let suppressed = false;
  for (const i of indices) {
    const c = t.categories[i];
    if (!c) continue;
    if (slot === undefined && c.replace !== undefined) slot = c.replace;
    if (c.suppressClassName) suppressed = true;
  }
  let head = slot ?? policy.name;
  if (!suppressed) {
    if (head !== '') head += t.separator;
    head += cls.phrase;
  }
  return head;
}

/**
 * The display marking of a label, rendered from the policy alone (a marking is never taken from
 * free text). Ordering, qualifiers and codes follow the SPIF as the reference library reads it.
 */
export function renderLabelMarking(policy: Policy, label: Label, opts: MarkingOptions = {}): string {
  if (label.policyId !== policy.id) throw new EntenteError('label_invalid', `label is under policy ${label.policyId}, not ${policy.id}`);
  const t = markingTables(policy, opts.lang ?? '', opts.location ?? 'pageBottom');
  const indices = categoryIndices(t, policy, label.categories);
  return t.prefix + appendCategories(t, renderHead(t, policy, label.classification, indices), indices) + t.suffix;
}

/** A clearance as text: {every cleared classification, by hierarchy} then its categories. */
export function renderClearanceMarking(policy: Policy, clearance: Clearance, opts: { lang?: string } = {}): string {
  if (clearance.policyId !== policy.id) throw new EntenteError('clearance_malformed', `clearance is under policy ${clearance.policyId}, not ${policy.id}`);
  const t = markingTables(policy, opts.lang ?? '', 'pageBottom');
  const classes = [...new Set(clearance.classifications)].map((lacv) => {
    const c = t.classes.get(lacv);
    if (!c) throw new EntenteError('clearance_malformed', `policy ${policy.name} has no classification ${lacv}`);
    return c;
  });
  classes.sort((a, b) => a.hierarchy - b.hierarchy);
  const head = `{${classes.map((c) => c.name).join('|')}}`;
  return t.prefix + appendCategories(t, head, categoryIndices(t, policy, clearance.categories)) + t.suffix;
}
