import { EntenteError } from '../../shared/errors';
import { Policy } from '../../shared/labels/model';
import { compileSpif } from './spif-compiler';

/** The policies a profile has loaded, by OID. Labels under a policy not in here are refused. */
export class PolicyRegistry {
  private readonly byId = new Map<string, Policy>();

  /** Adds a compiled policy (checked against the model); a second policy with the same OID is refused. */
  add(policy: Policy): Policy {
    const checked = Policy.safeParse(policy);
    if (!checked.success) throw new EntenteError('spif_invalid', `not a compiled policy: ${checked.error.issues[0]?.message ?? 'invalid'}`);
    if (this.byId.has(policy.id)) throw new EntenteError('spif_invalid', `a policy with id ${policy.id} is already loaded (${this.byId.get(policy.id)?.name})`);
    // Keep the caller's object: compiled decisions and caches are keyed by policy identity.
    this.byId.set(policy.id, policy);
    return policy;
  }

  loadSpif(xmlText: string): Policy {
    return this.add(compileSpif(xmlText));
  }

  get(id: string): Policy | undefined {
    return this.byId.get(id);
  }

  /** The policy, or `label_unknown_policy` ("Unknown policy id: …"). */
  require(id: string): Policy {
    const p = this.byId.get(id);
    if (!p) throw new EntenteError('label_unknown_policy', `Unknown policy id: ${id}`);
    return p;
  }

  /** By name, as 4774 labels name policies: exact first, then a unique case-insensitive match. */
  byName(name: string): Policy | undefined {
    const all = [...this.byId.values()];
    const exact = all.filter((p) => p.name === name);
    if (exact.length === 1) return exact[0];
    const loose = all.filter((p) => p.name.toLowerCase() === name.trim().toLowerCase());
    return loose.length === 1 ? loose[0] : undefined;
  }

  list(): Policy[] {
    return [...this.byId.values()];
  }
}
