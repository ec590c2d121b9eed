import { SaxesParser, type SaxesTagNS } from 'saxes';
import { EntenteError } from '../../shared/errors';

/**
 * The one XML reader of the policy engine: non-validating, namespace-aware, DTDs and entities off.
 * Any DOCTYPE is refused outright (so no entity expansion, no external entities, no billion laughs);
 * undefined entities are errors; depth, element count, attribute and text sizes and the whole input
 * are capped, and the size check happens before any parsing so a 50 MB input fails at once.
 */

export interface XmlElement {
  /** Namespace URI ('' for none) and local name. */
  ns: string;
  local: string;
  attrs: Map<string, string>;
  children: XmlElement[];
  text: string;
  line: number;
}

export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
  maxAttrValue: number;
  maxText: number;
}

export const LABEL_LIMITS: XmlLimits = { maxBytes: 256 * 1024, maxDepth: 16, maxElements: 5_000, maxAttrValue: 4096, maxText: 64 * 1024 };
export const SPIF_LIMITS: XmlLimits = { maxBytes: 8 * 1024 * 1024, maxDepth: 32, maxElements: 500_000, maxAttrValue: 4096, maxText: 64 * 1024 };

export interface XmlReadOptions {
  limits?: XmlLimits;
  /**
   * Accept an end tag whose name matches no open element as the end of the innermost one, with a
   * warning. Only for SPIFs: the reference library accepts them and the peer suite's own food policy
   * has such a typo. Labels and clearances from the network never get this.
   */
  tolerateMisspelledEndTags?: boolean;
}

export interface XmlDocument {
  root: XmlElement;
  warnings: string[];
}

/** Saxes internals the end-tag tolerance relies on (saxes is pinned at 6.0.0; a test covers it). */
interface SaxesInternals {
  name: string;
  tags: { name: string }[];
  line: number;
  closeTag(): void;
}

export function readXml(input: string, options: XmlReadOptions = {}): XmlDocument {
  const limits = options.limits ?? LABEL_LIMITS;
  // A string's UTF-16 length never exceeds its UTF-8 length, so this rejects before any work.
  if (input.length > limits.maxBytes) {
    throw new EntenteError('xml_limit_exceeded', `XML input of ${input.length} characters exceeds the limit of ${limits.maxBytes}`);
  }
  if (input.trim() === '') throw new EntenteError('xml_malformed', 'No data to parse');
  const parser = new SaxesParser({ xmlns: true, position: true });
  const warnings: string[] = [];
  if (options.tolerateMisspelledEndTags) {
    const p = parser as unknown as SaxesInternals;
    const original = p.closeTag.bind(parser);
    p.closeTag = () => {
      const top = p.tags[p.tags.length - 1];
      if (top && p.name !== top.name && !p.tags.some((t) => t.name === p.name)) {
        warnings.push(`line ${p.line}: end tag </${p.name}> matches no open element; read as the end of <${top.name}>`);
        p.name = top.name;
      }
      original();
    };
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  const fail = (code: 'xml_malformed' | 'xml_forbidden_dtd' | 'xml_limit_exceeded', message: string): never => {
    throw new EntenteError(code, `${message} (line ${parser.line})`);
  };
  parser.on('error', (err) => fail('xml_malformed', `malformed XML: ${err.message.replace(/^[^:]*:\d+:\d+: /, '')}`));
  parser.on('doctype', () => fail('xml_forbidden_dtd', 'DOCTYPE declarations are not accepted (no DTDs, no entities)'));
  parser.on('processinginstruction', (pi) => {
    if (pi.target.toLowerCase() !== 'xml') fail('xml_malformed', `processing instruction <?${pi.target}?> is not accepted`);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    elements++;
    if (elements > limits.maxElements) fail('xml_limit_exceeded', `more than ${limits.maxElements} elements`);
    if (stack.length >= limits.maxDepth) fail('xml_limit_exceeded', `nesting deeper than ${limits.maxDepth}`);
    const attrs = new Map<string, string>();
    for (const a of Object.values(tag.attributes)) {
      if (a.value.length > limits.maxAttrValue) fail('xml_limit_exceeded', `attribute ${a.name} longer than ${limits.maxAttrValue} characters`);
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      // Unprefixed attributes are in no namespace; xml:lang keeps its conventional name.
      attrs.set(a.prefix === 'xml' ? `xml:${a.local}` : a.prefix ? `{${a.uri}}${a.local}` : a.local, a.value);
    }
    const el: XmlElement = { ns: tag.uri, local: tag.local, attrs, children: [], text: '', line: parser.line };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const addText = (t: string): void => {
    const el = stack[stack.length - 1];
    if (!el) return;
    if (el.text.length + t.length > limits.maxText) fail('xml_limit_exceeded', `text longer than ${limits.maxText} characters`);
    el.text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.write(input).close();
  if (!root) throw new EntenteError('xml_malformed', 'No data to parse');
  return { root, warnings };
}

/** Children of an element with the given namespace and local name. */
export const childrenNamed = (el: XmlElement, ns: string, local: string): XmlElement[] =>
  el.children.filter((c) => c.ns === ns && c.local === local);

export const firstChild = (el: XmlElement, ns: string, local: string): XmlElement | undefined =>
  el.children.find((c) => c.ns === ns && c.local === local);

/** XML text escaping for the writers (attribute-safe). */
export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
