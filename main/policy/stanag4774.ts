import { EntenteError } from '../../shared/errors';
import { isPermissive, isRestrictive, OriginatorId, normalizeCategories, type CategoryRef, type Label, type Policy, type TagType } from '../../shared/labels/model';
import { viewOf, lookupCategory, type CategoryInfo } from '../../shared/labels/policy-view';
import type { PolicyRegistry } from './registry';
import { childrenNamed, escapeXml, firstChild, readXml, type XmlElement } from './safe-xml';

/**
 * STANAG 4774 confidentiality labels (ADatP-4774). They carry names, not numbers: the policy by name
 * (or urn:oid: URI), the classification by name, categories by tag set name and value name. Names are
 * matched exactly, then case-insensitively when that is unique (4774 says NATO values are
 * case-insensitive); an unknown or ambiguous name is an error naming it.
 */
export const S4774_NS = 'urn:nato:stanag:4774:confidentialitymetadatalabel:1:0';
const ROOTS = ['originatorConfidentialityLabel', 'alternativeConfidentialityLabel', 'ConfidentialityLabel', 'metadataConfidentialityLabel'];

export type LabelRole = 'originator' | 'alternative';

const malformed = (el: XmlElement, msg: string): EntenteError => new EntenteError('label_malformed', `${msg} (line ${el.line})`);

function byName<T>(items: readonly T[], name: (t: T) => string, wanted: string): T[] {
  const exact = items.filter((i) => name(i) === wanted);
  if (exact.length > 0) return exact;
  const w = wanted.trim().toLowerCase();
  return items.filter((i) => name(i).toLowerCase() === w);
}

const typeFamily = (t: string): ((x: TagType) => boolean) | undefined =>
  t === 'RESTRICTIVE' ? isRestrictive : t === 'PERMISSIVE' ? isPermissive : t === 'INFORMATIVE' ? (x) => x === 'informative' : undefined;

function resolvePolicy(el: XmlElement, registry: PolicyRegistry): Policy {
  const uri = (el.attrs.get('URI') ?? el.attrs.get('URL'))?.trim();
  const name = el.text.trim();
  if (uri) {
    if (!uri.startsWith('urn:oid:')) throw malformed(el, `PolicyIdentifier URI "${uri}" is not a urn:oid:`);
    const p = registry.require(uri.slice(8));
    if (name !== '' && p.name.toLowerCase() !== name.toLowerCase()) throw new EntenteError('label_invalid', `Policy mismatch: ${name} is not ${p.name} (${p.id})`);
    return p;
  }
  const p = registry.byName(name);
  if (!p) throw new EntenteError('label_unknown_policy', `Unknown policy: ${name || '(empty)'}`);
  return p;
}

export function read4774Label(xml: string, registry: PolicyRegistry): { role: LabelRole; label: Label } {
  const { root } = readXml(xml);
  if (root.ns !== S4774_NS) throw new EntenteError('xml_wrong_namespace', `not a STANAG 4774 label: namespace "${root.ns}"`);
  if (!ROOTS.includes(root.local)) throw new EntenteError('label_malformed', `not a STANAG 4774 label: <${root.local}>`);
  const info = firstChild(root, S4774_NS, 'ConfidentialityInformation');
  if (!info) throw malformed(root, 'no ConfidentialityInformation');
  const polEl = firstChild(info, S4774_NS, 'PolicyIdentifier');
  if (!polEl) throw malformed(info, 'no PolicyIdentifier');
  const policy = resolvePolicy(polEl, registry);
  const view = viewOf(policy);
  const clsEl = firstChild(info, S4774_NS, 'Classification');
  if (!clsEl) throw malformed(info, 'no Classification');
  const classes = byName(policy.classifications, (c) => c.name, clsEl.text.trim());
  if (classes.length !== 1) throw new EntenteError('label_invalid', `${classes.length ? 'Ambiguous' : 'Unknown'} classification "${clsEl.text.trim()}" in policy ${policy.name}`);
  const categories: CategoryRef[] = [];
  for (const cat of childrenNamed(info, S4774_NS, 'Category')) {
    const tagName = cat.attrs.get('TagName')?.trim() ?? '';
    const family = typeFamily(cat.attrs.get('Type') ?? '');
    if (!family) throw malformed(cat, `Category Type "${cat.attrs.get('Type') ?? ''}" is not RESTRICTIVE, PERMISSIVE or INFORMATIVE`);
    const uri = cat.attrs.get('URI')?.trim();
    const ts = uri?.startsWith('urn:oid:') ? view.tagSetById.get(uri.slice(8)) : byName(policy.tagSets, (t) => t.name, tagName)[0];
    if (!ts) throw new EntenteError('label_invalid', `Unknown tag set "${tagName}" in policy ${policy.name}`);
    const pool: CategoryInfo[] = view.categories.filter((c) => c.tagSet === ts && family(c.ref.tagType));
    for (const v of childrenNamed(cat, S4774_NS, 'GenericValue')) {
      const hits = byName(pool, (c) => c.category.name, v.text.trim());
      if (hits.length !== 1) throw new EntenteError('label_invalid', `${hits.length ? 'Ambiguous' : 'Unknown'} value "${v.text.trim()}" of ${ts.name} in policy ${policy.name}`);
      categories.push((hits[0] as CategoryInfo).ref);
    }
  }
  const label: Label = { policyId: policy.id, classification: (classes[0] as Policy['classifications'][number]).lacv, categories: normalizeCategories(categories) };
  const privacy = firstChild(info, S4774_NS, 'PrivacyMark')?.text.trim();
  if (privacy) label.privacyMark = privacy;
  const orig = firstChild(root, S4774_NS, 'OriginatorID');
  if (orig) {
    const o = OriginatorId.safeParse({ idType: orig.attrs.get('IDType'), value: orig.text.trim() });
    if (!o.success) throw malformed(orig, 'OriginatorID needs a known IDType and a value');
    label.originator = o.data;
  }
  const created = firstChild(root, S4774_NS, 'CreationDateTime')?.text.trim();
  if (created) {
    const t = Date.parse(created);
    if (Number.isNaN(t) || !/(Z|[+-]\d{2}:\d{2})$/.test(created)) throw malformed(root, `CreationDateTime "${created}" is not a date-time with a zone`);
    label.created = new Date(t).toISOString();
  }
  return { role: root.local === 'alternativeConfidentialityLabel' ? 'alternative' : 'originator', label };
}

const TYPE_4774 = (t: TagType): string => (isRestrictive(t) ? 'RESTRICTIVE' : isPermissive(t) ? 'PERMISSIVE' : 'INFORMATIVE');

/** One 4774 element for a label: `originatorConfidentialityLabel` or `alternativeConfidentialityLabel`. */
export function write4774Label(policy: Policy, label: Label, role: LabelRole = 'originator'): string {
  if (label.policyId !== policy.id) throw new EntenteError('label_invalid', `label is under ${label.policyId}, not ${policy.id}`);
  const view = viewOf(policy);
  const cls = view.classByLacv.get(label.classification);
  if (!cls) throw new EntenteError('label_invalid', `policy ${policy.name} has no classification ${label.classification}`);
  const infos = label.categories.map((r) => {
    const i = lookupCategory(view, r);
    if (!i) throw new EntenteError('label_invalid', `policy ${policy.name} has no category ${r.tagSetId}/${r.tagType}/${r.lacv}`);
    return i;
  });
  infos.sort((a, b) => a.index - b.index);
  const groups = new Map<string, CategoryInfo[]>();
  for (const i of infos) {
    const key = `${i.tagSet.id}|${TYPE_4774(i.ref.tagType)}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  const cats = [...groups.values()].map((g) => {
    const first = g[0] as CategoryInfo;
    const values = g.map((i) => `<GenericValue>${escapeXml(i.category.name)}</GenericValue>`).join('');
    return `<Category TagName="${escapeXml(first.tagSet.name)}" Type="${TYPE_4774(first.ref.tagType)}" URI="urn:oid:${first.tagSet.id}">${values}</Category>`;
  });
  const el = role === 'originator' ? 'originatorConfidentialityLabel' : 'alternativeConfidentialityLabel';
  const privacy = label.privacyMark ? `<PrivacyMark>${escapeXml(label.privacyMark)}</PrivacyMark>` : '';
  const orig = label.originator ? `<OriginatorID IDType="${label.originator.idType}">${escapeXml(label.originator.value)}</OriginatorID>` : '';
  const created = label.created ? `<CreationDateTime>${label.created}</CreationDateTime>` : '';
  return (
    `<${el} xmlns="${S4774_NS}"><ConfidentialityInformation>` +
    `<PolicyIdentifier URI="urn:oid:${policy.id}">${escapeXml(policy.name)}</PolicyIdentifier>` +
    `<Classification>${escapeXml(cls.cls.name)}</Classification>${privacy}${cats.join('')}` +
    `</ConfidentialityInformation>${orig}${created}</${el}>`
  );
}
