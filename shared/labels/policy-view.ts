import type { CategoryRef, Category, Classification, Policy, Tag, TagSet, TagType } from './model';

/**
 * Lookup tables over a compiled policy. The policy itself stays plain JSON; this index is built once
 * per policy object (cached) and is what rendering, validation and decisions read.
 */

export interface TagInfo {
  /** Dense index over all tags of the policy. */
  index: number;
  tagSet: TagSet;
  tag: Tag;
}

export interface CategoryInfo {
  /** Dense index in SPIF (ordinal) order: the bit a compiled clearance uses for it. */
  index: number;
  tagSet: TagSet;
  tag: TagInfo;
  category: Category;
  ref: CategoryRef;
}

export interface ClassInfo {
  /** Dense index, in hierarchy order. */
  index: number;
  cls: Classification;
}

export interface PolicyView {
  policy: Policy;
  classes: ClassInfo[];
  classByLacv: Map<number, ClassInfo>;
  tagSetById: Map<string, TagSet>;
  tagSetByName: Map<string, TagSet>;
  tags: TagInfo[];
  categories: CategoryInfo[];
  categoryByKey: Map<string, CategoryInfo>;
}

export const categoryKey = (tagSetId: string, tagType: TagType, lacv: number): string => `${tagSetId}|${tagType}|${lacv}`;
export const refKey = (r: CategoryRef): string => categoryKey(r.tagSetId, r.tagType, r.lacv);

const cache = new WeakMap<Policy, PolicyView>();

export function viewOf(policy: Policy): PolicyView {
  const hit = cache.get(policy);
  if (hit) return hit;
  const view = buildView(policy);
  cache.set(policy, view);
  return view;
}

function buildView(policy: Policy): PolicyView {
  const classes = [...policy.classifications]
    .sort((a, b) => a.hierarchy - b.hierarchy)
    .map((cls, index) => ({ index, cls }));
  const classByLacv = new Map(classes.map((c) => [c.cls.lacv, c]));
  const tagSetById = new Map(policy.tagSets.map((t) => [t.id, t]));
  const tagSetByName = new Map(policy.tagSets.map((t) => [t.name, t]));
  const tags: TagInfo[] = [];
  const unordered: Omit<CategoryInfo, 'index'>[] = [];
  for (const tagSet of policy.tagSets) {
    for (const tag of tagSet.tags) {
      const info: TagInfo = { index: tags.length, tagSet, tag };
      tags.push(info);
      for (const category of tag.categories) {
        unordered.push({ tagSet, tag: info, category, ref: { tagSetId: tagSet.id, tagType: tag.tagType, lacv: category.lacv } });
      }
    }
  }
  const categories = unordered
    .sort((a, b) => a.category.ordinal - b.category.ordinal)
    .map((c, index) => ({ ...c, index }));
  const categoryByKey = new Map(categories.map((c) => [refKey(c.ref), c]));
  return { policy, classes, classByLacv, tagSetById, tagSetByName, tags, categories, categoryByKey };
}

/** The category a reference names, or undefined when the policy has no such value. */
export const lookupCategory = (view: PolicyView, ref: CategoryRef): CategoryInfo | undefined => view.categoryByKey.get(refKey(ref));
