import { EntenteError } from '../../shared/errors';
import { Oid, TagType, type CategoryRef, type Clearance, type Label } from '../../shared/labels/model';
import type { PolicyRegistry } from './registry';
import { childrenNamed, escapeXml, firstChild, readXml, type XmlElement } from './safe-xml';

/** The simple XML label and clearance form of the spiffing suite (namespace http://surevine.com/xmlns/spiffy). */
export const SPIFFY_NS = 'http://surevine.com/xmlns/spiffy';

const bad = (code: 'label_malformed' | 'clearance_malformed', el: XmlElement, msg: string): EntenteError =>
  new EntenteError(code, `${msg} (line ${el.line})`);

function number(el: XmlElement, name: string, code: 'label_malformed' | 'clearance_malformed'): number {
  const raw = el.attrs.get(name)?.trim() ?? '';
  if (!/^\d{1,10}$/.test(raw) || Number(raw) > 0x7fffffff) throw bad(code, el, `<${el.local}> ${name}="${raw}" is not a valid number`);
  return Number(raw);
}

function readTags(root: XmlElement, code: 'label_malformed' | 'clearance_malformed'): CategoryRef[] {
  return childrenNamed(root, SPIFFY_NS, 'tag').map((t) => {
    const type = TagType.safeParse(t.attrs.get('type'));
    if (!type.success) throw bad(code, t, `unsupported tag type "${t.attrs.get('type') ?? ''}"`);
    const id = Oid.safeParse(t.attrs.get('id'));
    if (!id.success) throw bad(code, t, `tag id "${t.attrs.get('id') ?? ''}" is not an OID`);
    return { tagSetId: id.data, tagType: type.data, lacv: number(t, 'lacv', code) };
  });
}

function readRoot(xml: string, local: 'label' | 'clearance', registry: PolicyRegistry): { root: XmlElement; policyId: string } {
  const { root } = readXml(xml);
  if (root.ns !== SPIFFY_NS) throw new EntenteError('xml_wrong_namespace', `XML Namespace of ${local} is unknown: "${root.ns}"`);
  if (root.local !== local) throw new EntenteError(local === 'label' ? 'label_malformed' : 'clearance_malformed', `Not a ${local}: <${root.local}>`);
  const policy = firstChild(root, SPIFFY_NS, 'policy');
  const id = policy?.attrs.get('id')?.trim();
  if (!policy || !id) throw new EntenteError(local === 'label' ? 'label_malformed' : 'clearance_malformed', `No policy in ${local}`);
  registry.require(id);
  return { root, policyId: id };
}

export function readSpiffyLabel(xml: string, registry: PolicyRegistry): Label {
  const { root, policyId } = readRoot(xml, 'label', registry);
  const cls = childrenNamed(root, SPIFFY_NS, 'classification');
  if (cls.length !== 1) throw new EntenteError('label_malformed', `a label needs exactly one classification, found ${cls.length}`);
  return { policyId, classification: number(cls[0] as XmlElement, 'lacv', 'label_malformed'), categories: readTags(root, 'label_malformed') };
}

export function readSpiffyClearance(xml: string, registry: PolicyRegistry): Clearance {
  const { root, policyId } = readRoot(xml, 'clearance', registry);
  const classifications = childrenNamed(root, SPIFFY_NS, 'classification').map((c) => number(c, 'lacv', 'clearance_malformed'));
  return { policyId, classifications, categories: readTags(root, 'clearance_malformed') };
}

const tagsXml = (cats: readonly CategoryRef[]): string =>
  cats.map((c) => `<tag type="${c.tagType}" id="${escapeXml(c.tagSetId)}" lacv="${c.lacv}"/>`).join('');

export function writeSpiffyLabel(label: Label): string {
  return `<label xmlns="${SPIFFY_NS}"><policy id="${escapeXml(label.policyId)}"/><classification lacv="${label.classification}"/>${tagsXml(label.categories)}</label>`;
}

export function writeSpiffyClearance(c: Clearance): string {
  const classes = c.classifications.map((l) => `<classification lacv="${l}"/>`).join('');
  return `<clearance xmlns="${SPIFFY_NS}"><policy id="${escapeXml(c.policyId)}"/>${classes}${tagsXml(c.categories)}</clearance>`;
}
