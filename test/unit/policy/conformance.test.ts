import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PolicyRegistry,
  decide,
  mapLabel,
  readClearance,
  readLabel,
  readXml,
  renderClearanceMarking,
  renderLabelMarking,
  validateLabel,
  type Label,
  type XmlElement,
} from '../../../main/policy';
import { EntenteError } from '../../../shared/errors';
import { suiteBytes, suiteText } from './suite';

/**
 * Runs every (non-commented) test of the spiffing suite's tests.xml, each as its own case, and prints
 * the closing line "N passed, N failed". Sequences load their policies first, as the suite says.
 */
const doc = readXml(suiteText('tests.xml'), { limits: { maxBytes: 1 << 20, maxDepth: 8, maxElements: 10_000, maxAttrValue: 4096, maxText: 1 << 16 } }).root;
const sequences = doc.children.filter((c) => c.local === 'sequence');
let passed = 0;
let failed = 0;

const counted = (body: () => void) => () => {
  try {
    body();
    passed++;
  } catch (e) {
    failed++;
    throw e;
  }
};

const readLabelFile = (name: string, registry: PolicyRegistry): Label =>
  readLabel(name.endsWith('.ber') ? suiteBytes(name) : new TextDecoder().decode(suiteBytes(name)), registry).label;

function expectThrowsWith(fn: () => unknown, reason: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected an error "${reason}"`).toBeInstanceOf(EntenteError);
  expect((thrown as EntenteError).message).toContain(reason);
}

function runTest(t: XmlElement, registry: PolicyRegistry): void {
  const a = (n: string): string | undefined => t.attrs.get(n);
  const labelFile = a('label') as string;
  const lang = a('xml:lang') ?? '';
  const exception = a('exception');
  if (exception !== undefined) {
    expectThrowsWith(() => readLabelFile(labelFile, registry), exception);
    return;
  }
  const label = readLabelFile(labelFile, registry);
  const policy = registry.require(label.policyId);
  let checks = 0;
  if (a('valid') !== undefined) {
    const v = validateLabel(policy, label);
    expect(v.valid, JSON.stringify(v.reasons)).toBe(a('valid') === 'true');
    checks++;
  }
  if (a('label-marking') !== undefined) {
    expect(renderLabelMarking(policy, label, { lang })).toBe(a('label-marking'));
    checks++;
  }
  let decisionLabel = label;
  const encrypt = a('encrypt');
  if (encrypt !== undefined) {
    const target = registry.require(encrypt);
    const mapped = mapLabel(policy, target, label);
    if (!mapped.ok) throw new Error(`no equivalent: ${mapped.message}`);
    expect(mapped.label).not.toBe(label);
    if (a('encrypt-marking') !== undefined) expect(renderLabelMarking(target, mapped.label, { lang })).toBe(a('encrypt-marking'));
    decisionLabel = mapped.label;
    checks++;
  }
  const clearanceFile = a('clearance');
  if (clearanceFile !== undefined) {
    const clearance = readClearance(suiteText(clearanceFile), registry);
    const cPolicy = registry.require(clearance.policyId);
    if (a('clearance-marking') !== undefined) {
      expect(renderClearanceMarking(cPolicy, clearance, { lang })).toBe(a('clearance-marking'));
      checks++;
    }
    if (a('acdf-result') !== undefined) {
      // A clearance under another policy is decided on the label's equivalent under that policy.
      const l = decisionLabel.policyId === clearance.policyId ? decisionLabel : label;
      expect(decide(cPolicy, l, clearance).granted).toBe(a('acdf-result') === '1');
      checks++;
    }
  }
  expect(checks, 'a suite test that checks nothing').toBeGreaterThan(0);
}

let total = 0;
sequences.forEach((seq, s) => {
  describe(`sequence ${s + 1}`, () => {
    const registry = new PolicyRegistry();
    const policies = seq.children.filter((c) => c.local === 'policy');
    const loadable = policies.filter((p) => !p.attrs.has('exception'));
    beforeAll(() => {
      for (const p of loadable) registry.loadSpif(suiteText(p.attrs.get('spif') as string));
    });
    for (const p of policies.filter((x) => x.attrs.has('exception'))) {
      total++;
      it(`policy ${p.attrs.get('spif')} fails: ${p.attrs.get('exception')}`, counted(() => {
        expectThrowsWith(() => registry.loadSpif(suiteText(p.attrs.get('spif') as string)), p.attrs.get('exception') as string);
      }));
    }
    seq.children.filter((c) => c.local === 'test').forEach((t, i) => {
      total++;
      const desc = [...t.attrs].map(([k, v]) => `${k}=${v}`).join(' ');
      it(`test ${i + 1}: ${desc}`, counted(() => runTest(t, registry)));
    });
  });
});

afterAll(() => {
  console.log(`spiffing conformance: ${passed} passed, ${failed} failed (of ${total})`);
  console.log(`${passed} passed, ${failed} failed`);
});

it('covers every test of the suite', () => {
  // 25 <test> elements outside comments plus one policy that must fail to load.
  expect(total).toBe(26);
});
