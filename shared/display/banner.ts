import type { Label, Policy } from '../labels/model';
import { markingTables } from '../labels/marking-tables';
import { viewOf } from '../labels/policy-view';
import type { BannerLevel } from './model';

/**
 * The classification banner (DESIGN.md §7): the highest classification among the labels on screen,
 * per policy. Hierarchies of different policies cannot be compared, so a screen mixing policies gets
 * one level per policy, ordered by how high each sits in its own policy (then by policy id): the first
 * is the one to show when there is room for one. Labels under a policy not loaded, or naming a
 * classification their policy lacks, are left out (their notes are withheld anyway).
 */
export function highestOnScreen(labels: readonly Label[], policyOf: (policyId: string) => Policy | undefined, options: { lang?: string } = {}): BannerLevel[] {
  const top = new Map<string, { policy: Policy; lacv: number; hierarchy: number; rank: number }>();
  for (const label of labels) {
    const policy = policyOf(label.policyId);
    if (policy === undefined) continue;
    const view = viewOf(policy);
    const cls = view.classByLacv.get(label.classification);
    if (cls === undefined) continue;
    const held = top.get(policy.id);
    if (held === undefined || cls.cls.hierarchy > held.hierarchy) {
      top.set(policy.id, { policy, lacv: cls.cls.lacv, hierarchy: cls.cls.hierarchy, rank: view.classes.length > 1 ? cls.index / (view.classes.length - 1) : 1 });
    }
  }
  return [...top.values()]
    .sort((a, b) => b.rank - a.rank || (a.policy.id < b.policy.id ? -1 : 1))
    .map(({ policy, lacv }) => bannerLevel(policy, lacv, options.lang ?? ''))
    .filter((l): l is BannerLevel => l !== undefined);
}

/** One classification of a policy as a banner shows it; undefined when the policy has no such classification. */
export function bannerLevel(policy: Policy, lacv: number, lang = ''): BannerLevel | undefined {
  const cls = viewOf(policy).classByLacv.get(lacv);
  if (cls === undefined) return undefined;
  const text = markingTables(policy, lang, 'pageTop').classes.get(lacv);
  return { policyId: policy.id, policyName: policy.name, classification: lacv, name: cls.cls.name, marking: text?.phrase || cls.cls.name, color: cls.cls.color };
}
