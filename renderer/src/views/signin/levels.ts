import { bannerLevel, type LevelRef } from '../../../../shared/display';
import type { Policy } from '../../../../shared/labels/model';

/** A classification of a loaded policy, as a level select offers it. */
export interface LevelChoice {
  value: string;
  ref: LevelRef;
  policyName: string;
  marking: string;
}

export const levelValue = (ref: LevelRef | null): string => (ref === null ? '' : `${ref.policyId}#${ref.classification}`);

/** Every classification of every policy, lowest first within a policy; markings from shared/display. */
export function levelChoices(policies: readonly Policy[], lang: string): LevelChoice[] {
  return policies.flatMap((policy) =>
    policy.classifications
      .filter((c) => !c.obsolete)
      .flatMap((c) => {
        const level = bannerLevel(policy, c.lacv, lang);
        if (level === undefined) return [];
        const ref = { policyId: policy.id, classification: c.lacv };
        return [{ value: levelValue(ref), ref, policyName: policy.name, marking: level.marking }];
      }),
  );
}
