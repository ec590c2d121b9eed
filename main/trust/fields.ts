import { z } from 'zod';
import { CategoryRef, Lacv, Oid, compareCategoryRefs } from '../../shared/labels/model';
import { base64urlBytes } from './base64url';

/**
 * Field types shared by the signed objects (PROTOCOL.md §2). Every text field refuses what would make
 * canonical JSON escape it (control characters, lone surrogates) and demands NFC, so that two
 * implementations produce the same bytes for the same value without agreeing on escaping rules.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const printable = (s: string) => !/[\u0000-\u001f\u007f-\u009f]/.test(s) && !LONE_SURROGATE.test(s) && s === s.normalize('NFC');

/** Free text shown to people (agency and officer names). */
export const DisplayName = z.string().min(1).max(200).refine(printable, 'control characters or non-NFC text').refine((s) => s.trim() === s, 'leading or trailing spaces');

/** Agency ids are chosen by the agency ("fr-dgsi", "uk.gchq"); they name it in every object. */
export const AgencyId = z.string().regex(/^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/, 'lower-case letters, digits, ".", "_" or "-" (1–64, starting and ending with a letter or digit)');

/** Officer ids are unique within their agency; "<agency>/<officer>" is unique everywhere. */
export const OfficerId = z.string().regex(/^[a-z0-9](?:[a-z0-9._@-]{0,62}[a-z0-9])?$/, 'lower-case letters, digits, ".", "_", "@" or "-" (1–64, starting and ending with a letter or digit)');

/** A UTC instant to the second, e.g. 2026-05-01T10:00:00Z; only dates that exist. */
export const Timestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'a UTC time to the second, e.g. 2026-05-01T10:00:00Z')
  .refine((s) => {
    const t = Date.parse(s);
    return Number.isFinite(t) && new Date(t).toISOString() === `${s.slice(0, 19)}.000Z`;
  }, 'not a real date and time');

export const toTimestamp = (ms: number): string => `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
export const timestampMs = (s: string): number => Date.parse(s);

/** Serial numbers and sequences: positive integers that survive every JSON implementation. */
export const Serial = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const Ed25519PublicKey = base64urlBytes(32);
export const X25519PublicKey = base64urlBytes(32);
export const Signature = base64urlBytes(64);

/** A list that is a set: sorted, no duplicates, so the set has one encoding. */
export const sortedSet = <T extends z.ZodType>(item: T, compare: (a: z.infer<T>, b: z.infer<T>) => number, max: number) =>
  z
    .array(item)
    .max(max)
    .refine((xs) => xs.every((x, i) => i === 0 || compare(xs[i - 1] as z.infer<T>, x) < 0), 'must be sorted without duplicates');

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareNumber = (a: number, b: number): number => a - b;

export const OidSet = (max: number) => sortedSet(Oid, compareText, max);
export const SerialSet = (max: number) => sortedSet(Serial, compareNumber, max);
export const CategorySet = (max: number) => sortedSet(CategoryRef, compareCategoryRefs, max);

/** The clearance a credential carries: the project's clearance form with its sets normalised. */
export const SignedClearance = z.strictObject({
  policyId: Oid,
  classifications: sortedSet(Lacv, compareNumber, 256).refine((xs) => xs.length > 0, 'at least one classification'),
  categories: CategorySet(4096),
});
export type SignedClearance = z.infer<typeof SignedClearance>;

/** notBefore < notAfter, both instants. */
export const validityRefinement = (v: { notBefore: string; notAfter: string }) => timestampMs(v.notBefore) < timestampMs(v.notAfter);
