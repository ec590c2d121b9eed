import type { Label, Policy } from '../labels/model';
import type { LevelRef } from './model';

/**
 * Thresholds over labels: whether a note sits above a level the officer set (content protection,
 * notifications). Fail-safe like the display rules: a label that cannot be compared with the level
 * (another policy, a classification unknown to it) counts as above, and so does "no level".
 */
export function aboveLevel(label: Label, level: LevelRef | null, policyOf: (id: string) => Policy | undefined): boolean {
  if (level === null) return true;
  if (label.policyId !== level.policyId) return true;
  const classes = policyOf(label.policyId)?.classifications ?? [];
  const of = (lacv: number) => classes.find((c) => c.lacv === lacv)?.hierarchy;
  const mine = of(label.classification);
  const limit = of(level.classification);
  return mine === undefined || limit === undefined || mine > limit;
}
