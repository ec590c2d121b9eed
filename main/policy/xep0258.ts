import { EntenteError } from '../../shared/errors';
import type { Label, Policy } from '../../shared/labels/model';
import { renderLabelMarking } from '../../shared/labels/marking-render';
import { readEssLabel, writeEssLabel } from './ess-der';
import type { PolicyRegistry } from './registry';
import { childrenNamed, escapeXml, firstChild, readXml, type XmlElement } from './safe-xml';
import { read4774Label, S4774_NS } from './stanag4774';

/**
 * XEP-0258 security labels: `<securitylabel xmlns="urn:xmpp:sec-label:0">` with a display marking
 * (colours from the SPIF), the label (ESS DER, base64, in `<esssecuritylabel>`; a 4774 label is also
 * read) and equivalent labels. The display marking received is never trusted: readers re-render it
 * from the policy and say whether the sender's text matched.
 */
export const XEP0258_NS = 'urn:xmpp:sec-label:0';
export const XEP0258_ESS_NS = 'urn:xmpp:sec-label:ess:0';

/** The XEP's colour names (its schema's list, with "fuchsia" spelt correctly) and their RGB. */
const NAMED: Record<string, number> = {
  black: 0x000000, silver: 0xc0c0c0, gray: 0x808080, white: 0xffffff, maroon: 0x800000, red: 0xff0000,
  purple: 0x800080, fuchsia: 0xff00ff, green: 0x008000, lime: 0x00ff00, olive: 0x808000, yellow: 0xffff00,
  navy: 0x000080, blue: 0x0000ff, teal: 0x008080, aqua: 0x00ffff, orange: 0xffa500,
};

function rgbOf(color: string | null): number | undefined {
  if (!color) return undefined;
  const c = color.trim().toLowerCase();
  if (/^#[0-9a-f]{6}$/.test(c)) return Number.parseInt(c.slice(1), 16);
  return NAMED[c];
}

/** Background from the SPIF colour; foreground black or white, whichever reads better on it. */
export function markingColours(policy: Policy, label: Label): { fg: string; bg: string } | undefined {
  const cls = policy.classifications.find((c) => c.lacv === label.classification);
  const rgb = rgbOf(cls?.color ?? null);
  if (rgb === undefined || !cls?.color) return undefined;
  const lum = 0.2126 * ((rgb >> 16) & 255) + 0.7152 * ((rgb >> 8) & 255) + 0.0722 * (rgb & 255);
  return { fg: lum > 140 ? 'black' : 'white', bg: cls.color.trim().toLowerCase() };
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const essXml = (policy: Policy, label: Label): string => `<esssecuritylabel xmlns="${XEP0258_ESS_NS}">${b64(writeEssLabel(policy, label))}</esssecuritylabel>`;

export interface Xep0258Options {
  lang?: string;
  /** Equivalent labels (already mapped, e.g. with mapLabel), each with its policy. */
  equivalents?: { policy: Policy; label: Label }[];
}

export function writeXep0258(policy: Policy, label: Label, opts: Xep0258Options = {}): string {
  const marking = renderLabelMarking(policy, label, { lang: opts.lang ?? '' });
  const colours = markingColours(policy, label);
  const attrs = colours ? ` fgcolor="${colours.fg}" bgcolor="${escapeXml(colours.bg)}"` : '';
  const eq = (opts.equivalents ?? []).map((e) => `<equivalentlabel>${essXml(e.policy, e.label)}</equivalentlabel>`).join('');
  return `<securitylabel xmlns="${XEP0258_NS}"><displaymarking${attrs}>${escapeXml(marking)}</displaymarking><label>${essXml(policy, label)}</label>${eq}</securitylabel>`;
}

function readPayload(holder: XmlElement, registry: PolicyRegistry, what: string): Label {
  const [payload, ...extra] = holder.children;
  if (!payload || extra.length) throw new EntenteError('label_malformed', `${what} must hold exactly one label element`);
  if (payload.ns === XEP0258_ESS_NS && payload.local === 'esssecuritylabel') {
    const text = payload.text.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new EntenteError('label_malformed', `${what}: esssecuritylabel is not base64`);
    return readEssLabel(new Uint8Array(Buffer.from(text, 'base64')), registry);
  }
  if (payload.ns === S4774_NS) {
    // Re-serialising a parsed subtree would need a writer; the 4774 reader takes text, so rebuild it.
    return read4774Label(serialise(payload), registry).label;
  }
  throw new EntenteError('xml_wrong_namespace', `${what}: unsupported label payload {${payload.ns}}${payload.local}`);
}

/** Minimal re-serialisation of a parsed element (default namespaces only; enough for a 4774 label). */
function serialise(el: XmlElement, parentNs = ''): string {
  const nsAttr = el.ns !== parentNs ? ` xmlns="${escapeXml(el.ns)}"` : '';
  const attrs = [...el.attrs].filter(([k]) => !k.startsWith('{')).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('');
  return `<${el.local}${nsAttr}${attrs}>${escapeXml(el.text)}${el.children.map((c) => serialise(c, el.ns)).join('')}</${el.local}>`;
}

export interface Xep0258Read {
  label: Label;
  equivalents: Label[];
  displayMarking: { text: string; fgcolor?: string; bgcolor?: string } | null;
  /** Whether the received display text equals what the policy renders (it is shown only if so). */
  displayMarkingMatches: boolean;
}

export function readXep0258(xml: string, registry: PolicyRegistry, opts: { lang?: string } = {}): Xep0258Read {
  const { root } = readXml(xml);
  if (root.ns !== XEP0258_NS) throw new EntenteError('xml_wrong_namespace', `not an XEP-0258 security label: namespace "${root.ns}"`);
  if (root.local !== 'securitylabel') throw new EntenteError('label_malformed', `not an XEP-0258 security label: <${root.local}>`);
  const labelEl = childrenNamed(root, XEP0258_NS, 'label');
  if (labelEl.length !== 1) throw new EntenteError('label_malformed', `an XEP-0258 security label needs one <label>, found ${labelEl.length}`);
  const label = readPayload(labelEl[0] as XmlElement, registry, '<label>');
  const equivalents = childrenNamed(root, XEP0258_NS, 'equivalentlabel').map((e, i) => readPayload(e, registry, `<equivalentlabel> ${i + 1}`));
  const dm = firstChild(root, XEP0258_NS, 'displaymarking');
  const displayMarking = dm
    ? { text: dm.text, ...(dm.attrs.has('fgcolor') ? { fgcolor: dm.attrs.get('fgcolor') } : {}), ...(dm.attrs.has('bgcolor') ? { bgcolor: dm.attrs.get('bgcolor') } : {}) }
    : null;
  const rendered = renderLabelMarking(registry.require(label.policyId), label, { lang: opts.lang ?? '' });
  return { label, equivalents, displayMarking, displayMarkingMatches: displayMarking !== null && displayMarking.text.trim() === rendered };
}
