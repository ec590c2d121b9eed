import { renderLabelMarking, type PolicyRegistry } from '../main/policy';
import type { AgreementBody } from '../main/trust/objects';
import type { Signed } from '../main/trust/signed';

/** What `agency agree`, `agency countersign` and `profile show` say about an agreement. */
export function agreementSummary(agreement: Signed<AgreementBody>, registry: PolicyRegistry, lang = 'en') {
  const b = agreement.body;
  const policy = registry.get(b.policy);
  return {
    id: b.id,
    proposer: b.proposer,
    partner: b.partner,
    policy: policy ? `${policy.name} (${b.policy})` : b.policy,
    // The ceiling shown as the most a label may carry: the ceiling classification with every permitted value.
    ceiling: policy ? safeMarking(() => renderLabelMarking(policy, { policyId: b.policy, classification: b.ceiling, categories: b.categories }, { lang })) ?? String(b.ceiling) : String(b.ceiling),
    permittedCategories: b.categories.length,
    notBefore: b.notBefore,
    notAfter: b.notAfter,
    countersigned: agreement.sigs.partner !== undefined,
  };
}

function safeMarking(render: () => string): string | null {
  try {
    return render();
  } catch {
    // Permitted values can form a set no single label may carry (mutually exclusive values); show the number then.
    return null;
  }
}
