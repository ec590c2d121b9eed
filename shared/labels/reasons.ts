import { z } from 'zod';
import { CategoryRef, Lacv } from './model';

/**
 * Coded reasons for validation results and access decisions. They are data, not exceptions: the UI
 * translates the code and shows the subject; the English `message` is the fallback for CLI and logs.
 */
export const REASON_CODES = [
  'label_missing',
  'clearance_missing',
  'unknown_policy',
  'policy_mismatch',
  'unknown_classification',
  'unknown_category',
  'excluded_classification',
  'excluded_category',
  'required_category_missing',
  'single_selection_violated',
  'label_invalid',
  'classification_not_cleared',
  'restrictive_category_not_held',
  'permissive_category_not_matched',
] as const;

export const ReasonCode = z.enum(REASON_CODES);
export type ReasonCode = z.infer<typeof ReasonCode>;

export const Reason = z
  .object({
    code: ReasonCode,
    message: z.string().max(500),
    /** The category (or, for permissive tags, one value of the tag) the reason is about. */
    category: CategoryRef.optional(),
    classification: Lacv.optional(),
    policyId: z.string().max(200).optional(),
  })
  .strict();
export type Reason = z.infer<typeof Reason>;

export const Validation = z.object({ valid: z.boolean(), reasons: z.array(Reason) }).strict();
export type Validation = z.infer<typeof Validation>;

export const Decision = z.object({ granted: z.boolean(), reasons: z.array(Reason) }).strict();
export type Decision = z.infer<typeof Decision>;
