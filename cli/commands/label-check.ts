import {
  decide,
  equivalentLabel,
  readClearance,
  readLabel,
  renderClearanceMarking,
  renderLabelMarking,
  validateLabel,
} from '../../main/policy';
import { UsageError, type Command } from '../command';
import { readInputFile } from '../files';
import { readMarking, type MarkingAdvice } from '../marking';
import { langOption, optionalString, stringList } from '../options';
import { loadPolicies } from '../policies';

/** The policies are the ones given with --policy, so the way out of an ambiguity is to give fewer. */
const LOADED_ADVICE: MarkingAdvice = { ambiguous: 'load only the one you mean', noPolicy: 'no policy is loaded' };

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
        ? { format: 'marking' as const, ...readMarking(registry, marking, lang, LOADED_ADVICE) }
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
