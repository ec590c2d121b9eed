import { EntenteError } from '../../shared/errors';
import {
  POLICY_FORMAT,
  Policy,
  type Category,
  type CategoryMatcher,
  type Classification,
  type EquivalentPolicy,
  type ForeignMatcher,
  type ForeignRequirement,
  type Requirement,
  type Tag,
  type TagSet,
} from '../../shared/labels/model';
import { readXml, SPIF_LIMITS, type XmlElement } from './safe-xml';
import {
  attr,
  boolAttr,
  intAttr,
  kids,
  NATO_RBAC,
  oidAttr,
  parseApplied,
  parseEquivalentCategory,
  parseMarkings,
  parseMatcher,
  parseRequirements,
  requireAttr,
  SPIF_NS,
  spifError,
  tagTypeOf,
} from './spif-parts';

/**
 * Open XML SPIF → compiled Policy. Anything inconsistent (duplicate values or names, references to
 * classifications, tag sets, values or policies that do not exist) fails with `spif_invalid` and a
 * reason naming it; XML-level problems fail with the xml_* codes of the safe reader.
 */
export function compileSpif(xmlText: string): Policy {
  const { root, warnings } = readXml(xmlText, { limits: SPIF_LIMITS, tolerateMisspelledEndTags: true });
  if (root.local !== 'SPIF') throw new EntenteError('spif_invalid', `not a SPIF: root element is <${root.local}>`);
  if (root.ns !== SPIF_NS && root.ns !== '') {
    throw new EntenteError('xml_wrong_namespace', `not a SPIF: namespace "${root.ns}" is not ${SPIF_NS}`);
  }
  const ns = root.ns;
  const one = (parent: XmlElement, local: string, what: string): XmlElement => {
    const found = kids(parent, ns, local);
    if (found.length !== 1) throw spifError(parent, `${what}: expected one <${local}>, found ${found.length}`);
    return found[0] as XmlElement;
  };
  const idEl = one(root, 'securityPolicyId', 'SPIF');
  const policyName = requireAttr(idEl, 'name', 'securityPolicyId');
  const policyId = oidAttr(idEl, 'id', 'securityPolicyId');

  // Equivalent policies first: classifications and categories refer to them by name.
  const policiesByName = new Map<string, string>();
  const equivalentPolicies: EquivalentPolicy[] = [];
  for (const list of kids(root, ns, 'equivalentPolicies')) {
    for (const ep of kids(list, ns, 'equivalentPolicy')) {
      const name = requireAttr(ep, 'name', 'equivalentPolicy');
      const id = oidAttr(ep, 'id', `equivalentPolicy ${name}`);
      if (policiesByName.has(name)) throw spifError(ep, `duplicate equivalentPolicy name ${name}`);
      if (equivalentPolicies.some((p) => p.id === id)) throw spifError(ep, `duplicate equivalentPolicy id ${id}`);
      policiesByName.set(name, id);
      equivalentPolicies.push({ id, name, required: parseRequirements(ep, ns, `equivalentPolicy ${name}`) });
    }
  }

  // Classifications, with local category references kept by name until the tag sets are known.
  const classEls = kids(one(root, 'securityClassifications', 'SPIF'), ns, 'securityClassification');
  if (classEls.length === 0) throw new EntenteError('spif_invalid', 'SPIF has no securityClassification');
  const pending: { el: XmlElement; owner: string; reqs: ForeignRequirement[]; set: (r: Requirement[]) => void }[] = [];
  const classifications: Classification[] = [];
  const classByName = new Map<string, number>();
  for (const el of classEls) {
    const name = requireAttr(el, 'name', 'securityClassification');
    const what = `classification ${name}`;
    const lacv = intAttr(el, 'lacv', what);
    if (classifications.some((c) => c.lacv === lacv)) throw spifError(el, `Duplicate classification lacv ${lacv} (${name})`);
    if (classByName.has(name)) throw spifError(el, `Duplicate classification name ${name}`);
    const hierarchy = intAttr(el, 'hierarchy', what);
    if (classifications.some((c) => c.hierarchy === hierarchy)) throw spifError(el, `Duplicate classification hierarchy ${hierarchy} (${name})`);
    const equivalents = kids(el, ns, 'equivalentClassification').map((eq) => {
      const ref = requireAttr(eq, 'policyRef', `${what}: equivalentClassification`);
      const pid = policiesByName.get(ref);
      if (!pid) throw spifError(eq, `${what}: equivalentClassification policyRef "${ref}" names no equivalentPolicy`);
      return { policyId: pid, lacv: intAttr(eq, 'lacv', `${what}: equivalentClassification`), applied: parseApplied(eq, what), required: parseRequirements(eq, ns, what) };
    });
    const cls: Classification = {
      name, lacv, hierarchy, color: attr(el, 'color') ?? null, obsolete: boolAttr(el, 'obsolete'),
      markings: parseMarkings(el, ns, what), required: [], equivalents,
    };
    pending.push({ el, owner: what, reqs: parseRequirements(el, ns, what), set: (r) => (cls.required = r) });
    classifications.push(cls);
    classByName.set(name, lacv);
  }

  // Tag sets, tags and categories; ordinals follow document order over the whole SPIF.
  const tagSets: TagSet[] = [];
  const excludedPending: { el: XmlElement; owner: string; raw: ForeignMatcher[]; cat: Category }[] = [];
  let ordinal = 0;
  for (const list of kids(root, ns, 'securityCategoryTagSets')) {
    for (const tsEl of kids(list, ns, 'securityCategoryTagSet')) {
      const tsName = requireAttr(tsEl, 'name', 'securityCategoryTagSet');
      const tsId = oidAttr(tsEl, 'id', `tag set ${tsName}`);
      if (tagSets.some((t) => t.id === tsId)) throw spifError(tsEl, `Duplicate tag set id ${tsId}`);
      if (tagSets.some((t) => t.name === tsName)) throw spifError(tsEl, `Duplicate tag set name ${tsName}`);
      const tags: Tag[] = [];
      const seen = new Set<string>();
      for (const tagEl of kids(tsEl, ns, 'securityCategoryTag')) {
        const tagName = requireAttr(tagEl, 'name', `tag in ${tsName}`);
        const what = `${tsName}/${tagName}`;
        const tagType = tagTypeOf(tagEl, what);
        let informativeEncoding: Tag['informativeEncoding'] = null;
        if (tagType === 'informative') informativeEncoding = attr(tagEl, 'tag7Encoding') === 'securityAttributes' ? 'enumerated' : 'bitSet';
        const categories: Category[] = [];
        for (const catEl of kids(tagEl, ns, 'tagCategory')) {
          const catName = requireAttr(catEl, 'name', `category in ${what}`);
          const cwhat = `category ${catName} of ${tsName}`;
          const lacv = intAttr(catEl, 'lacv', cwhat);
          const key = `${tagType}|${lacv}`;
          if (seen.has(key)) throw spifError(catEl, `Duplicate ${tagType} value ${lacv} in tag set ${tsName} (${catName})`);
          seen.add(key);
          const excludedClasses: number[] = [];
          for (const ex of kids(catEl, ns, 'excludedClass')) {
            const cn = ex.text.trim();
            if (cn === '') throw spifError(ex, `Empty excludedClass in ${cwhat}`);
            const cl = classByName.get(cn);
            if (cl === undefined) throw spifError(ex, `Unknown classification in exclusion: ${cn} (${cwhat})`);
            if (excludedClasses.includes(cl)) throw spifError(ex, `Duplicate excluded classification in category ${catName}: ${cn}`);
            excludedClasses.push(cl);
          }
          const cat: Category = {
            name: catName, lacv, ordinal: ordinal++, obsolete: boolAttr(catEl, 'obsolete'),
            markings: parseMarkings(catEl, ns, cwhat), excludedClasses, excludedCategories: [], required: [],
            equivalents: kids(catEl, ns, 'equivalentSecCategoryTag').map((e) => parseEquivalentCategory(e, policiesByName, cwhat)),
          };
          pending.push({ el: catEl, owner: cwhat, reqs: parseRequirements(catEl, ns, cwhat), set: (r) => (cat.required = r) });
          excludedPending.push({ el: catEl, owner: cwhat, raw: kids(catEl, ns, 'excludedCategory').map((x) => parseMatcher(x, `${cwhat}: excludedCategory`)), cat });
          categories.push(cat);
        }
        tags.push({ name: tagName, tagType, informativeEncoding, singleSelection: boolAttr(tagEl, 'singleSelection'), markings: parseMarkings(tagEl, ns, what), categories });
      }
      tagSets.push({ id: tsId, name: tsName, markings: parseMarkings(tsEl, ns, `tag set ${tsName}`), tags });
    }
  }

  const resolve = (m: ForeignMatcher, el: XmlElement, owner: string): CategoryMatcher => {
    const ts = tagSets.find((t) => t.name === m.tagSetName);
    if (!ts) throw spifError(el, `${owner}: tagSetRef "${m.tagSetName}" names no tag set`);
    if (m.lacv !== null && !ts.tags.some((t) => t.tagType === m.tagType && t.categories.some((c) => c.lacv === m.lacv))) {
      throw spifError(el, `${owner}: tag set ${ts.name} has no ${m.tagType} value ${m.lacv}`);
    }
    if (m.lacv === null && !ts.tags.some((t) => t.tagType === m.tagType)) warnings.push(`${owner}: tag set ${ts.name} has no ${m.tagType} tag`);
    return { tagSetId: ts.id, tagType: m.tagType, lacv: m.lacv };
  };
  for (const p of pending) p.set(p.reqs.map((r) => ({ operation: r.operation, groups: r.groups.map((g) => resolve(g, p.el, p.owner)) })));
  for (const x of excludedPending) x.cat.excludedCategories = x.raw.map((m) => resolve(m, x.el, x.owner));

  const compiled = {
    format: POLICY_FORMAT,
    id: policyId,
    name: policyName,
    rbacId: attr(root, 'rbacId')?.trim() || NATO_RBAC,
    privilegeId: attr(root, 'privilegeId')?.trim() || NATO_RBAC,
    classifications: [...classifications].sort((a, b) => a.hierarchy - b.hierarchy),
    tagSets,
    markings: parseMarkings(root, ns, 'policy'),
    equivalentPolicies,
    warnings: warnings.slice(0, 100),
  };
  const checked = Policy.safeParse(compiled);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new EntenteError('spif_invalid', `SPIF outside the supported model at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
  }
  return checked.data;
}
