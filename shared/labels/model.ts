import { z } from 'zod';

/**
 * The compiled policy, label and clearance model. Everything here is plain JSON so that main can
 * compile a SPIF once and hand the result to the renderer, which renders markings and takes access
 * decisions without any XML. The schemas are the boundary check wherever such data crosses a process.
 */

/** Identifiers are dotted OIDs, as SPIFs, ESS labels and 4774 `urn:oid:` URIs carry them. */
export const Oid = z.string().regex(/^[0-2](\.(0|[1-9][0-9]{0,9})){1,63}$/, 'an OID such as 1.3.26.1.3.1');
export type Oid = z.infer<typeof Oid>;

/** Label and certificate values (LACVs) are the numbers labels carry; names are only for people. */
export const Lacv = z.number().int().min(0).max(0x7fffffff);

export const TAG_TYPES = ['restrictive', 'permissive', 'enumeratedRestrictive', 'enumeratedPermissive', 'informative'] as const;
export const TagType = z.enum(TAG_TYPES);
export type TagType = z.infer<typeof TagType>;

export const isRestrictive = (t: TagType): boolean => t === 'restrictive' || t === 'enumeratedRestrictive';
export const isPermissive = (t: TagType): boolean => t === 'permissive' || t === 'enumeratedPermissive';

/** One category value held by a label or a clearance: which tag set, which tag type, which value. */
export const CategoryRef = z.object({ tagSetId: Oid, tagType: TagType, lacv: Lacv }).strict();
export type CategoryRef = z.infer<typeof CategoryRef>;

// ---- marking data -----------------------------------------------------------------------------

/** X.841 / SPIF marking codes. Locations say where a phrase applies; the others change rendering. */
export const MARKING_CODES = [
  'pageTop', 'pageBottom', 'documentStart', 'documentEnd',
  'noNameDisplay', 'noMarkingDisplay', 'suppressClassName', 'replacePolicy',
] as const;
export const MarkingCode = z.enum(MARKING_CODES);
export type MarkingCode = z.infer<typeof MarkingCode>;

export const MARKING_LOCATIONS = ['pageTop', 'pageBottom', 'documentStart', 'documentEnd'] as const;
export type MarkingLocation = (typeof MARKING_LOCATIONS)[number];

/** One `markingData`: an optional phrase (absent and "" differ: "" replaces with nothing) and its codes. */
export const MarkingPhrase = z
  .object({ phrase: z.string().max(1024).nullable(), codes: z.array(MarkingCode).max(16) })
  .strict();
export type MarkingPhrase = z.infer<typeof MarkingPhrase>;

/** Everything a SPIF says about one item's marking in one language ('' = no `xml:lang`). */
export const MarkingLang = z
  .object({
    lang: z.string().max(35),
    prefix: z.string().max(1024).nullable(),
    suffix: z.string().max(1024).nullable(),
    separator: z.string().max(1024).nullable(),
    phrases: z.array(MarkingPhrase).max(64),
  })
  .strict();
export type MarkingLang = z.infer<typeof MarkingLang>;

export const Markings = z.array(MarkingLang).max(64);
export type Markings = z.infer<typeof Markings>;

// ---- category rules ---------------------------------------------------------------------------

/** A reference to categories of this policy: one value, or every value of the tag type (lacv null). */
export const CategoryMatcher = z.object({ tagSetId: Oid, tagType: TagType, lacv: Lacv.nullable() }).strict();
export type CategoryMatcher = z.infer<typeof CategoryMatcher>;

export const Operation = z.enum(['all', 'oneOrMore', 'onlyOne']);
export type Operation = z.infer<typeof Operation>;

export const Requirement = z.object({ operation: Operation, groups: z.array(CategoryMatcher).min(1).max(256) }).strict();
export type Requirement = z.infer<typeof Requirement>;

/**
 * Categories of ANOTHER policy, named as the SPIF names them (tag set by name): they can only be
 * resolved once that policy is loaded, when a label is mapped to it.
 */
export const ForeignMatcher = z.object({ tagSetName: z.string().min(1).max(256), tagType: TagType, lacv: Lacv.nullable() }).strict();
export type ForeignMatcher = z.infer<typeof ForeignMatcher>;
export const ForeignRequirement = z.object({ operation: Operation, groups: z.array(ForeignMatcher).min(1).max(256) }).strict();
export type ForeignRequirement = z.infer<typeof ForeignRequirement>;

export const Applied = z.enum(['encrypt', 'decrypt', 'both']);
export type Applied = z.infer<typeof Applied>;

export const EquivalentClassification = z
  .object({ policyId: Oid, lacv: Lacv, applied: Applied, required: z.array(ForeignRequirement).max(64) })
  .strict();
export type EquivalentClassification = z.infer<typeof EquivalentClassification>;

/** A category's equivalent in another policy; `discard` says the category is dropped on purpose. */
export const EquivalentCategory = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('map'), policyId: Oid, applied: Applied, tagSetId: Oid, tagType: TagType, lacv: Lacv }).strict(),
    z.object({ action: z.literal('discard'), policyId: Oid, applied: Applied }).strict(),
  ]);
export type EquivalentCategory = z.infer<typeof EquivalentCategory>;

// ---- the compiled policy ----------------------------------------------------------------------

export const Classification = z
  .object({
    name: z.string().min(1).max(256),
    lacv: Lacv,
    hierarchy: z.number().int().min(0).max(0x7fffffff),
    color: z.string().max(64).nullable(),
    obsolete: z.boolean(),
    markings: Markings,
    required: z.array(Requirement).max(64),
    equivalents: z.array(EquivalentClassification).max(64),
  })
  .strict();
export type Classification = z.infer<typeof Classification>;

export const Category = z
  .object({
    name: z.string().min(1).max(256),
    lacv: Lacv,
    /** Position in the SPIF, over all tag sets: markings list categories in this order. */
    ordinal: z.number().int().min(0),
    obsolete: z.boolean(),
    markings: Markings,
    excludedClasses: z.array(Lacv).max(256),
    excludedCategories: z.array(CategoryMatcher).max(256),
    required: z.array(Requirement).max(64),
    equivalents: z.array(EquivalentCategory).max(256),
  })
  .strict();
export type Category = z.infer<typeof Category>;

export const Tag = z
  .object({
    name: z.string().min(1).max(256),
    tagType: TagType,
    /** For informative (tagType7) tags: how ESS encodes them. */
    informativeEncoding: z.enum(['bitSet', 'enumerated']).nullable(),
    singleSelection: z.boolean(),
    markings: Markings,
    categories: z.array(Category).max(10_000),
  })
  .strict();
export type Tag = z.infer<typeof Tag>;

export const TagSet = z
  .object({ id: Oid, name: z.string().min(1).max(256), markings: Markings, tags: z.array(Tag).max(64) })
  .strict();
export type TagSet = z.infer<typeof TagSet>;

export const EquivalentPolicy = z
  .object({ id: Oid, name: z.string().min(1).max(256), required: z.array(ForeignRequirement).max(64) })
  .strict();
export type EquivalentPolicy = z.infer<typeof EquivalentPolicy>;

export const POLICY_FORMAT = 1;

export const Policy = z
  .object({
    format: z.literal(POLICY_FORMAT),
    id: Oid,
    name: z.string().min(1).max(256),
    /** Category syntax for ESS labels; the ACP-145 (NATO) syntax unless the SPIF says otherwise. */
    rbacId: Oid,
    privilegeId: Oid,
    /** Sorted by hierarchy, lowest first. */
    classifications: z.array(Classification).min(1).max(256),
    tagSets: z.array(TagSet).max(256),
    markings: Markings,
    equivalentPolicies: z.array(EquivalentPolicy).max(64),
    /** Things the compiler accepted but a security officer should know about (never silently). */
    warnings: z.array(z.string().max(500)).max(100),
  })
  .strict();
export type Policy = z.infer<typeof Policy>;

// ---- labels and clearances --------------------------------------------------------------------

export const OriginatorId = z
  .object({
    idType: z.enum(['rfc822Name', 'dNSName', 'directoryName', 'uniformResourceIdentifier', 'iPAddress', 'x400Address', 'userPrincipalName', 'jID']),
    value: z.string().min(1).max(1024),
  })
  .strict();
export type OriginatorId = z.infer<typeof OriginatorId>;

/** An RFC 3339 / xs:dateTime instant in UTC, to the millisecond at most, e.g. 2024-05-01T10:00:00Z. */
export const Instant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'a UTC date-time ending in Z');

/** A STANAG 4774-shaped label. Categories are a set: order carries no meaning (see normalizeLabel). */
export const Label = z
  .object({
    policyId: Oid,
    classification: Lacv,
    categories: z.array(CategoryRef).max(4096),
    privacyMark: z.string().min(1).max(128).optional(),
    originator: OriginatorId.optional(),
    created: Instant.optional(),
  })
  .strict();
export type Label = z.infer<typeof Label>;

/**
 * The project's own clearance form, which credentials carry: a policy, the classifications cleared
 * (a list, as X.841 ClassList: holding SECRET does not by itself grant CONFIDENTIAL), the categories.
 */
export const Clearance = z
  .object({
    policyId: Oid,
    classifications: z.array(Lacv).max(256),
    categories: z.array(CategoryRef).max(4096),
  })
  .strict();
export type Clearance = z.infer<typeof Clearance>;

const catKey = (c: CategoryRef): string => `${c.tagSetId}\u0000${c.tagType}\u0000${c.lacv}`;

export const compareCategoryRefs = (a: CategoryRef, b: CategoryRef): number =>
  a.tagSetId < b.tagSetId ? -1 : a.tagSetId > b.tagSetId ? 1
    : a.tagType < b.tagType ? -1 : a.tagType > b.tagType ? 1 : a.lacv - b.lacv;

/** Sorted, duplicate-free categories: the one form used for equality, canonical JSON and hashing. */
export function normalizeCategories(cats: readonly CategoryRef[]): CategoryRef[] {
  const seen = new Map<string, CategoryRef>();
  for (const c of cats) seen.set(catKey(c), { tagSetId: c.tagSetId, tagType: c.tagType, lacv: c.lacv });
  return [...seen.values()].sort(compareCategoryRefs);
}

export function normalizeLabel(label: Label): Label {
  const out: Label = { policyId: label.policyId, classification: label.classification, categories: normalizeCategories(label.categories) };
  if (label.privacyMark !== undefined) out.privacyMark = label.privacyMark;
  if (label.originator !== undefined) out.originator = { ...label.originator };
  if (label.created !== undefined) out.created = label.created;
  return out;
}

export function normalizeClearance(c: Clearance): Clearance {
  return {
    policyId: c.policyId,
    classifications: [...new Set(c.classifications)].sort((a, b) => a - b),
    categories: normalizeCategories(c.categories),
  };
}

export const sameCategory = (a: CategoryRef, b: CategoryRef): boolean =>
  a.tagSetId === b.tagSetId && a.tagType === b.tagType && a.lacv === b.lacv;
