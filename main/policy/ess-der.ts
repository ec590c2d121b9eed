import * as asn1js from 'asn1js';
import { EntenteError } from '../../shared/errors';
import { normalizeCategories, type CategoryRef, type Label, type Policy, type TagType } from '../../shared/labels/model';
import { lookupCategory, viewOf, type CategoryInfo } from '../../shared/labels/policy-view';
import type { PolicyRegistry } from './registry';
import { NATO_RBAC } from './spif-parts';

/**
 * ESS security labels (RFC 2634 ESSSecurityLabel, the XEP-0258 payload) with ACP-145 security
 * categories, decoded and encoded with asn1js. Input is bounded (size, depth, nodes); trailing bytes,
 * truncation, lengths past the end and any structure other than the expected one are errors.
 *
 *   ESSSecurityLabel ::= SET { policy OID, classification INTEGER, privacy-mark CHOICE{PrintableString,
 *                              UTF8String} OPTIONAL, categories SET OF SecurityCategory OPTIONAL }
 *   SecurityCategory ::= SEQUENCE { type [0] IMPLICIT OID, value [1] EXPLICIT ANY }
 */
const OID_TYPES: Record<string, TagType> = {
  '2.16.840.1.101.2.1.8.3.0': 'restrictive',
  '2.16.840.1.101.2.1.8.3.1': 'enumeratedPermissive',
  '2.16.840.1.101.2.1.8.3.2': 'permissive',
  '2.16.840.1.101.2.1.8.3.3': 'informative',
  '2.16.840.1.101.2.1.8.3.4': 'enumeratedRestrictive',
};
const TYPE_OIDS = Object.fromEntries(Object.entries(OID_TYPES).map(([k, v]) => [v, k])) as Record<TagType, string>;

export const MAX_DER_BYTES = 64 * 1024;
const MAX_BITSTRING_BYTES = 8 * 1024;
const UNIVERSAL = 1;
const CONTEXT = 3;

const der = (msg: string): EntenteError => new EntenteError('der_malformed', msg);

const isUniversal = (b: asn1js.AsnType, n: number): boolean => b.idBlock.tagClass === UNIVERSAL && b.idBlock.tagNumber === n;

function children(b: asn1js.AsnType, what: string): asn1js.AsnType[] {
  if (!(b instanceof asn1js.Constructed)) throw der(`${what}: expected a constructed value`);
  return b.valueBlock.value as asn1js.AsnType[];
}

function oidOf(b: asn1js.AsnType, what: string): string {
  if (b instanceof asn1js.ObjectIdentifier) return b.valueBlock.toString();
  if (b instanceof asn1js.Primitive) {
    const o = new asn1js.ObjectIdentifier();
    const v = b.valueBlock.valueHexView;
    if (o.valueBlock.fromBER(v, 0, v.length) !== v.length || o.valueBlock.error) throw der(`${what}: bad OBJECT IDENTIFIER`);
    return o.valueBlock.toString();
  }
  throw der(`${what}: expected an OBJECT IDENTIFIER`);
}

function lacvOf(b: asn1js.AsnType, what: string): number {
  if (!(b instanceof asn1js.Integer)) throw der(`${what}: expected an INTEGER`);
  const n = b.toBigInt();
  if (n < 0n || n > 0x7fffffffn) throw der(`${what}: value ${n} out of range`);
  return Number(n);
}

function bitsOf(b: asn1js.AsnType, what: string): number[] {
  if (!(b instanceof asn1js.BitString)) throw der(`${what}: expected a BIT STRING`);
  const bytes = b.valueBlock.valueHexView;
  if (bytes.length > MAX_BITSTRING_BYTES) throw der(`${what}: bit string longer than ${MAX_BITSTRING_BYTES} bytes`);
  const out: number[] = [];
  const total = bytes.length * 8 - b.valueBlock.unusedBits;
  for (let i = 0; i < total; i++) if (((bytes[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0) out.push(i);
  return out;
}

const intsOf = (b: asn1js.AsnType, what: string): number[] => {
  if (!isUniversal(b, 17)) throw der(`${what}: expected a SET OF INTEGER`);
  return children(b, what).map((x, i) => lacvOf(x, `${what}[${i}]`));
};

function decodeCategory(cat: asn1js.AsnType, n: number): CategoryRef[] {
  const what = `security category ${n}`;
  if (!isUniversal(cat, 16)) throw der(`${what}: expected a SEQUENCE`);
  const [typeEl, valueEl, ...extra] = children(cat, what);
  if (!typeEl || !valueEl || extra.length) throw der(`${what}: expected type and value`);
  if (typeEl.idBlock.tagClass !== CONTEXT || typeEl.idBlock.tagNumber !== 0) throw der(`${what}: type must be [0]`);
  if (valueEl.idBlock.tagClass !== CONTEXT || valueEl.idBlock.tagNumber !== 1) throw der(`${what}: value must be [1]`);
  const typeOid = oidOf(typeEl, what);
  const tagType = OID_TYPES[typeOid];
  if (!tagType) throw new EntenteError('label_malformed', `${what}: unsupported security category syntax ${typeOid}`);
  const [inner, ...more] = children(valueEl, what);
  if (!inner || more.length || !isUniversal(inner, 16)) throw der(`${what}: value must hold one SEQUENCE`);
  const [nameEl, attrsEl, ...rest] = children(inner, what);
  if (!nameEl || !attrsEl || rest.length) throw der(`${what}: expected tagName and attributes`);
  const tagSetId = oidOf(nameEl, `${what} tagName`);
  let lacvs: number[];
  if (tagType === 'restrictive' || tagType === 'permissive') lacvs = bitsOf(attrsEl, what);
  else if (tagType === 'informative') lacvs = attrsEl instanceof asn1js.BitString ? bitsOf(attrsEl, what) : intsOf(attrsEl, what);
  else lacvs = intsOf(attrsEl, what);
  return lacvs.map((lacv) => ({ tagSetId, tagType, lacv }));
}

/** Decodes a DER (or BER) ESS security label; the policy must be loaded. */
export function readEssLabel(bytes: Uint8Array, registry: PolicyRegistry): Label {
  if (bytes.length === 0) throw new EntenteError('label_malformed', 'No data to parse');
  if (bytes.length > MAX_DER_BYTES) throw der(`ESS label of ${bytes.length} bytes exceeds ${MAX_DER_BYTES}`);
  try {
    return decodeEssLabel(bytes, registry);
  } catch (err) {
    // asn1js throws plain Errors on some inputs (e.g. a time value that is not a time); hostile bytes
    // must always end as a coded rejection, never as an internal error.
    if (err instanceof EntenteError) throw err;
    throw der(`Failed to parse BER/DER encoded label: ${err instanceof Error ? err.message.slice(0, 120) : 'invalid'}`);
  }
}

function decodeEssLabel(bytes: Uint8Array, registry: PolicyRegistry): Label {
  const { offset, result } = asn1js.fromBER(bytes, { maxDepth: 12, maxNodes: 8192, maxContentLength: MAX_DER_BYTES });
  if (offset === -1 || result.error) throw der(`Failed to parse BER/DER encoded label: ${result.error || 'truncated'}`);
  if (offset !== bytes.length) throw der(`${bytes.length - offset} trailing bytes after the ESS label`);
  if (!isUniversal(result, 17)) throw der('an ESS security label is a SET');
  let policyId: string | undefined;
  let classification: number | undefined;
  let privacyMark: string | undefined;
  let categories: CategoryRef[] = [];
  for (const el of children(result, 'ESSSecurityLabel')) {
    if (el instanceof asn1js.ObjectIdentifier && policyId === undefined) policyId = oidOf(el, 'security-policy-identifier');
    else if (el instanceof asn1js.Integer && classification === undefined) classification = lacvOf(el, 'security-classification');
    else if ((el instanceof asn1js.Utf8String || el instanceof asn1js.PrintableString) && privacyMark === undefined) privacyMark = el.valueBlock.value;
    else if (isUniversal(el, 17) && categories.length === 0) categories = children(el, 'security-categories').flatMap((c, i) => decodeCategory(c, i));
    else throw der(`unexpected or repeated element (tag ${el.idBlock.tagClass}/${el.idBlock.tagNumber}) in ESSSecurityLabel`);
  }
  if (policyId === undefined) throw new EntenteError('label_malformed', 'No policy in label');
  registry.require(policyId);
  if (classification === undefined) throw new EntenteError('label_malformed', 'No classification in label');
  const label: Label = { policyId, classification, categories: normalizeCategories(categories) };
  if (privacyMark !== undefined && privacyMark !== '') label.privacyMark = privacyMark.slice(0, 128);
  return label;
}

function encodeGroup(infos: CategoryInfo[]): asn1js.Sequence {
  const first = infos[0] as CategoryInfo;
  const tagType = first.ref.tagType;
  const lacvs = infos.map((i) => i.ref.lacv).sort((a, b) => a - b);
  const asBits = tagType === 'restrictive' || tagType === 'permissive' || (tagType === 'informative' && first.tag.tag.informativeEncoding !== 'enumerated');
  let attrs: asn1js.AsnType;
  if (asBits) {
    const max = lacvs[lacvs.length - 1] ?? 0;
    if (max >= MAX_BITSTRING_BYTES * 8) throw new EntenteError('label_invalid', `value ${max} of ${first.tagSet.name} is too large for a bit map`);
    const bytes = new Uint8Array((max >> 3) + 1);
    for (const l of lacvs) bytes[l >> 3]! |= 0x80 >> (l & 7);
    attrs = new asn1js.BitString({ valueHex: bytes, unusedBits: 7 - (max & 7) });
  } else {
    attrs = new asn1js.Set({ value: lacvs.map((l) => new asn1js.Integer({ value: l })) });
  }
  const inner = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: first.tagSet.id }), attrs] });
  const typeOid = new asn1js.ObjectIdentifier({ value: TYPE_OIDS[tagType] });
  return new asn1js.Sequence({
    value: [
      new asn1js.Primitive({ idBlock: { tagClass: CONTEXT, tagNumber: 0 }, valueHex: typeOid.valueBlock.toBER() }),
      new asn1js.Constructed({ idBlock: { tagClass: CONTEXT, tagNumber: 1 }, value: [inner] }),
    ],
  });
}

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return a.length - b.length;
};

/** DER ESS security label with ACP-145 categories (SET members and SET OF elements in DER order). */
export function writeEssLabel(policy: Policy, label: Label): Uint8Array {
  if (label.policyId !== policy.id) throw new EntenteError('label_invalid', `label is under ${label.policyId}, not ${policy.id}`);
  if (policy.rbacId !== NATO_RBAC) throw new EntenteError('label_invalid', `policy ${policy.name} uses category syntax ${policy.rbacId}; only ACP-145 (${NATO_RBAC}) is written`);
  const view = viewOf(policy);
  if (!view.classByLacv.has(label.classification)) throw new EntenteError('label_invalid', `policy ${policy.name} has no classification ${label.classification}`);
  const groups = new Map<string, CategoryInfo[]>();
  for (const ref of normalizeCategories(label.categories)) {
    const info = lookupCategory(view, ref);
    if (!info) throw new EntenteError('label_invalid', `policy ${policy.name} has no category ${ref.tagSetId}/${ref.tagType}/${ref.lacv}`);
    const key = `${ref.tagSetId}|${ref.tagType}`;
    groups.set(key, [...(groups.get(key) ?? []), info]);
  }
  const value: asn1js.AsnType[] = [new asn1js.Integer({ value: label.classification }), new asn1js.ObjectIdentifier({ value: policy.id })];
  if (label.privacyMark) value.push(new asn1js.Utf8String({ value: label.privacyMark }));
  if (groups.size > 0) {
    const cats = [...groups.values()].map(encodeGroup).map((s) => ({ s, bytes: new Uint8Array(s.toBER()) }));
    cats.sort((a, b) => compareBytes(a.bytes, b.bytes));
    value.push(new asn1js.Set({ value: cats.map((c) => c.s) }));
  }
  return new Uint8Array(new asn1js.Set({ value }).toBER());
}
