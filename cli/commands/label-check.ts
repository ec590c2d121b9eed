import {
  decide,
  equivalentLabel,
  parseLabelMarking,
  readClearance,
  readLabel,
  renderClearanceMarking,
  renderLabelMarking,
  validateLabel,
  type Label,
  type Policy,
  type PolicyRegistry,
} from '../../main/policy';
import { EntenteError } from '../../shared/errors';
import { UsageError, type Command } from '../command';
import { readInputFile } from '../files';
import { langOption, optionalString, stringList } from '../options';
import { loadPolicies } from '../policies';

/** Which loaded policy a free-text marking belongs to: the one that parses it; two is ambiguous. */
function parseMarkingAnyPolicy(registry: PolicyRegistry, text: string, lang: string): { policy: Policy; label: Label } {
  const parsed: { policy: Policy; label: Label }[] = [];
  let firstError: EntenteError | null = null;
  for (const policy of registry.list()) {
    try {
      parsed.push({ policy, label: parseLabelMarking(policy, text, { lang }) });
    } catch (err) {
      if (!(err instanceof EntenteError)) throw err;
      firstError ??= err;
    }
  }
  if (parsed.length === 1 && parsed[0]) return parsed[0];
  if (parsed.length > 1) {
    throw new EntenteError('marking_ambiguous', `the marking reads under several policies (${parsed.map((p) => p.policy.name).join(', ')}); load only the one you mean`);
  }
  throw firstError ?? new EntenteError('label_unknown_policy', 'no policy is loaded');
}

export const labelCheckCommand: Command = {
  path: ['label', 'check'],
  summary: "test a label or marking against security policies: validity, marking, access decision, equivalent",
  usage: [
    'entente label check --policy SPIF.xml|nato|eu|uk|fr [--policy …] (--marking TEXT | --label FILE)',
    '                    [--clearance FILE] [--lang en|fr] [--to-policy OID] [--json]',
    '',
    'A label FILE may be STANAG 4774 XML, ESS security label DER, XEP-0258, the spiffy XML form or canonical JSON.',
    'A clearance FILE may be the project JSON form or the spiffy XML form.',
    'Exit 0 whenever an answer was given, even "invalid" or "deny"; 1 when an input could not be read.',
  ].join('\n'),
  options: {
    policy: { type: 'string', multiple: true },
    marking: { type: 'string' },
    label: { type: 'string' },
    clearance: { type: 'string' },
    lang: { type: 'string' },
    'to-policy': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const policies = stringList(values, 'policy');
    const marking = optionalString(values, 'marking');
    const labelFile = optionalString(values, 'label');
    const lang = langOption(values);
    if (policies.length === 0) throw new UsageError('give at least one --policy');
    if ((marking === undefined) === (labelFile === undefined)) throw new UsageError('give exactly one of --marking or --label');

    const registry = loadPolicies(policies);
    const read =
      marking !== undefined
        ? { format: 'marking' as const, ...parseMarkingAnyPolicy(registry, marking, lang) }
        : (() => {
            const { format, label } = readLabel(new Uint8Array(readInputFile(labelFile as string)), registry);
            return { format, label, policy: registry.require(label.policyId) };
          })();
    const { policy, label } = read;
    const validation = validateLabel(policy, label);

    let acdf: { granted: boolean; reasons: unknown[]; clearanceMarking: string } | null = null;
    const clearanceFile = optionalString(values, 'clearance');
    if (clearanceFile !== undefined) {
      const clearance = readClearance(readInputFile(clearanceFile).toString('utf8'), registry);
      const decision = decide(registry.get(clearance.policyId), label, clearance);
      acdf = { ...decision, clearanceMarking: renderClearanceMarking(registry.require(clearance.policyId), clearance, { lang }) };
    }

    let equivalent: Record<string, unknown> | null = null;
    const target = optionalString(values, 'to-policy');
    if (target !== undefined) {
      const mapped = equivalentLabel(registry, label, target);
      equivalent = mapped.ok
        ? { policyId: target, ok: true, label: mapped.label, marking: renderLabelMarking(registry.require(target), mapped.label, { lang }) }
        : { policyId: target, ok: false, failure: mapped.failure, message: mapped.message };
    }

    const answer = {
      policy: { id: policy.id, name: policy.name },
      format: read.format,
      label,
      valid: validation.valid,
      reasons: validation.reasons,
      marking: validation.valid ? renderLabelMarking(policy, label, { lang }) : null,
      acdf,
      equivalent,
    };
    if (values.json === true) {
      io.out(JSON.stringify(answer));
      return 0;
    }
    io.out(`policy:     ${policy.name} (${policy.id}), read as ${read.format}`);
    io.out(`valid:      ${validation.valid ? 'yes' : 'no'}`);
    for (const r of validation.reasons) io.out(`  - ${r.code}: ${r.message}`);
    if (answer.marking !== null) io.out(`marking:    ${answer.marking}`);
    if (acdf !== null) {
      io.out(`clearance:  ${acdf.clearanceMarking}`);
      io.out(`access:     ${acdf.granted ? 'granted' : 'denied'}`);
      for (const r of acdf.reasons as { code: string; message: string }[]) io.out(`  - ${r.code}: ${r.message}`);
    }
    if (equivalent !== null) io.out(`equivalent: ${equivalent.ok ? String(equivalent.marking) : `none (${String(equivalent.message)})`}`);
    return 0;
  },
};
