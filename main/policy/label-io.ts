import { EntenteError } from '../../shared/errors';
import { parseCanonicalLabel } from '../../shared/labels/canonical-json';
import { mapLabel, type MapResult } from '../../shared/labels/equivalence';
import type { Label } from '../../shared/labels/model';
import { readEssLabel } from './ess-der';
import type { PolicyRegistry } from './registry';
import { readXml } from './safe-xml';
import { SPIFFY_NS, readSpiffyLabel } from './spiffy-xml';
import { read4774Label, S4774_NS, write4774Label } from './stanag4774';
import { XEP0258_NS, readXep0258 } from './xep0258';

export type LabelFormat = 'ess-der' | 'stanag-4774' | 'xep-0258' | 'spiffy-xml' | 'canonical-json';

/**
 * Reads a label in any supported form, telling which it was: DER when the bytes do not start like
 * text, canonical JSON when they start with '{', otherwise XML chosen by the root's namespace.
 */
export function readLabel(input: Uint8Array | string, registry: PolicyRegistry): { format: LabelFormat; label: Label } {
  if (typeof input !== 'string') {
    if (input.length === 0) throw new EntenteError('label_malformed', 'No data to parse');
    const first = input.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf);
    if (first !== 0x3c && first !== 0x7b) return { format: 'ess-der', label: readEssLabel(input, registry) };
    input = new TextDecoder('utf-8', { fatal: true }).decode(input);
  }
  const text = input.replace(/^\uFEFF/, '').trim();
  if (text === '') throw new EntenteError('label_malformed', 'No data to parse');
  if (text.startsWith('{')) {
    const label = parseCanonicalLabel(text);
    registry.require(label.policyId);
    return { format: 'canonical-json', label };
  }
  const { root } = readXml(text);
  if (root.ns === SPIFFY_NS) return { format: 'spiffy-xml', label: readSpiffyLabel(text, registry) };
  if (root.ns === S4774_NS) return { format: 'stanag-4774', label: read4774Label(text, registry).label };
  if (root.ns === XEP0258_NS) return { format: 'xep-0258', label: readXep0258(text, registry).label };
  throw new EntenteError('xml_wrong_namespace', `no label format has the namespace "${root.ns}"`);
}

/** Maps a label to another loaded policy (see mapLabel); the input label is left untouched. */
export function equivalentLabel(registry: PolicyRegistry, label: Label, targetPolicyId: string, direction: 'encrypt' | 'decrypt' = 'encrypt'): MapResult {
  const target = registry.get(targetPolicyId);
  if (!target) return { ok: false, failure: 'no_equivalent_policy', message: `Unknown policy id: ${targetPolicyId}` };
  return mapLabel(registry.require(label.policyId), target, label, direction);
}

/**
 * The originator's 4774 label plus one `alternativeConfidentialityLabel` per target policy that has
 * an equivalent. The originator element is written from the label as given, never from a mapping.
 */
export function write4774WithAlternatives(registry: PolicyRegistry, label: Label, targetPolicyIds: readonly string[]) {
  const originator = write4774Label(registry.require(label.policyId), label, 'originator');
  const alternatives: string[] = [];
  const unavailable: { policyId: string; message: string }[] = [];
  for (const id of targetPolicyIds) {
    const m = equivalentLabel(registry, label, id);
    if (m.ok) alternatives.push(write4774Label(registry.require(id), m.label, 'alternative'));
    else unavailable.push({ policyId: id, message: m.message });
  }
  return { originator, alternatives, unavailable };
}
