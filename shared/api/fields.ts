import { z } from 'zod';

/**
 * Field schemas the API calls share. Every string is bounded: the contract is the boundary between
 * the renderer (untrusted input) and main, and each answer is checked against it on both sides.
 */

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** One line of printable text, at most `max` characters. */
export const Text = (max: number, min = 0) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !CONTROL.test(s) && !LONE_SURROGATE.test(s), 'control characters or malformed text');

/** ms since the epoch. */
export const Millis = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** The same rules as main/trust/fields.ts (shared/ cannot import main/); main checks again. */
export const AgencyIdText = z.string().regex(/^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/, 'an agency id');
export const OfficerIdText = z.string().regex(/^[a-z0-9](?:[a-z0-9._@-]{0,62}[a-z0-9])?$/, 'an officer id');
export const DisplayNameText = Text(200, 1).refine((s) => s.trim() === s, 'leading or trailing spaces');

/** Note and channel ids (the store's RecordId). */
export const RecordId = Text(200, 1);

export const OfficerRef = z.strictObject({ agency: AgencyIdText, officerId: OfficerIdText });
export type OfficerRef = z.infer<typeof OfficerRef>;

/** An officer as shown: the reference and the names this profile holds for them. */
export const OfficerView = z.strictObject({
  agency: AgencyIdText,
  officerId: OfficerIdText,
  /** From their credential; null when none is held here. */
  name: Text(200).nullable(),
  /** From their agency's card; null when the agency is not pinned here. */
  agencyName: Text(200).nullable(),
});
export type OfficerView = z.infer<typeof OfficerView>;

/** A marking as rendered from the policy, in one language. */
export const MarkingText = Text(4096);

/**
 * Profiles: "user:<folder>" under the user data folder's profiles/, "demo:<officer>" in the demo
 * alliance. Only ids from profiles.list are ever resolved: never a path.
 */
export const ProfileId = z.string().regex(/^(user|demo):[a-z0-9](?:[a-z0-9._@-]{0,62}[a-z0-9])?$/, 'a profile id from profiles.list');

/** A coded failure carried inside an answer (per file of an import, a refusal in a preview). */
export const Problem = z.strictObject({ code: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), message: z.string().max(500) });
export type Problem = z.infer<typeof Problem>;
