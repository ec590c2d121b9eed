import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../../cli/main';
import { readPolicyText } from '../../../cli/policies';
import { tempDir } from '../../helpers/tmp';

const SUITE = join('..', 'shared', 'conformance', 'spiffing');
const suite = (file: string) => join(SUITE, file);

async function check(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['label', 'check', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function checkJson(args: string[]) {
  const r = await check([...args, '--json']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as Record<string, unknown>;
}

let dir: ReturnType<typeof tempDir>;
beforeAll(() => (dir = tempDir()));
afterAll(() => dir.remove());

describe('entente label check', () => {
  it('answers for a marking under a shipped policy named by its short name', async () => {
    const answer = await checkJson(['--policy', 'nato', '--marking', 'NATO SECRET']);
    expect(answer).toMatchObject({ policy: { id: '1.3.26.1.3.1', name: 'NATO' }, format: 'marking', valid: true, marking: 'NATO SECRET', acdf: null, equivalent: null });
  });

  it('maps to an equivalent policy and leaves the originator label as it was', async () => {
    const answer = await checkJson(['--policy', 'fr', '--policy', 'eu', '--marking', 'SECRET', '--to-policy', '2.999.208272260.1']);
    expect(answer.label).toEqual({ policyId: '2.999.208272260.3', classification: 4, categories: [] });
    expect(answer.equivalent).toMatchObject({ policyId: '2.999.208272260.1', ok: true, marking: 'EU SECRET' });
  });

  it('says so when no equivalent exists', async () => {
    const answer = await checkJson(['--policy', 'nato', '--policy', 'eu', '--marking', 'NATO SECRET', '--to-policy', '2.999.208272260.1']);
    expect(answer.equivalent).toMatchObject({ ok: false, failure: 'no_equivalent_classification' });
  });

  it('reads every label format the suite uses and decides access for a clearance', async () => {
    const spiffy = await checkJson([
      '--policy', suite('food-policy.xml'),
      '--label', suite('food-label-milk-chocolate.xml'),
      '--clearance', suite('food-clearance-lactose-intolerant.xml'),
    ]);
    expect(spiffy).toMatchObject({ format: 'spiffy-xml', valid: true, marking: '[ Food Sweet/Yummy Chocolate Brown Contains Lactose Not Vegan Animal Rights ]' });
    expect(spiffy.acdf).toMatchObject({ granted: false, clearanceMarking: '[ {Commodity|Luxury} Sweet Contains Peanut+Nut+Gluten Not Vegan ]' });
    const granted = await checkJson([
      '--policy', suite('food-policy.xml'),
      '--label', suite('food-label-milk-chocolate.xml'),
      '--clearance', suite('food-clearance-all-okay.xml'),
    ]);
    expect(granted.acdf).toMatchObject({ granted: true, reasons: [] });
    const nato = await checkJson(['--policy', suite('nato-4774-policy.xml'), '--label', suite('nato-4774-17-1.nato')]);
    expect(nato).toMatchObject({ format: 'stanag-4774', valid: true, policy: { id: '1.3.26.1.3.1' } });
  });

  it('answers "invalid" with reasons and still exits 0', async () => {
    const answer = await checkJson(['--policy', suite('food-policy.xml'), '--label', suite('food-label-cheap-milk-chocolate.xml')]);
    expect(answer.valid).toBe(false);
    expect(answer.marking).toBeNull();
    expect((answer.reasons as { code: string }[]).map((r) => r.code)).toContain('excluded_classification');
  });

  it('reads canonical JSON and prints French markings', async () => {
    const file = join(dir.path, 'label.json');
    writeFileSync(file, '{"categories":[],"classification":3,"policyId":"1.3.26.1.3.1"}');
    const answer = await checkJson(['--policy', 'nato', '--label', file, '--lang', 'fr']);
    expect(answer).toMatchObject({ format: 'canonical-json', valid: true, marking: 'NATO CONFIDENTIEL' });
    // Signed bytes must be exact: the same label in another key order is refused, not re-read.
    writeFileSync(file, JSON.stringify({ policyId: '1.3.26.1.3.1', classification: 3, categories: [] }));
    const loose = await check(['--policy', 'nato', '--label', file]);
    expect(loose.code).toBe(1);
    expect(loose.err).toContain('label_malformed');
  });

  it('prints a readable answer without --json', async () => {
    const r = await check(['--policy', 'nato', '--marking', 'NATO SECRET']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('valid:      yes');
    expect(r.out).toContain('marking:    NATO SECRET');
  });

  it.each([
    [['--policy', 'nato', '--marking', 'NATO SECRETT'], 'SECRETT', 'marking_unknown_token'],
    [['--policy', 'no-such-policy.xml', '--marking', 'X'], 'does not exist', 'file_unreadable'],
    [['--policy', suite('nato-4774-policy.xml'), '--label', suite('stupid-label.ber')], 'Unknown policy id', 'label_unknown_policy'],
    [['--policy', suite('food-policy-borked.xml'), '--marking', 'X'], '', 'spif_invalid'],
    [['--policy', 'nato', '--label', suite('food-label-bacon.xml')], 'Unknown policy id', 'label_unknown_policy'],
  ])('fails with one line and exit 1 when an input cannot be read: %j', async (args, text, code) => {
    const r = await check(args);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toContain(text);
    expect(r.err).toContain(`(${code})`);
  });

  it('refuses a hostile label file with a clear error', async () => {
    const file = join(dir.path, 'evil.xml');
    writeFileSync(file, '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">]><label xmlns="http://surevine.com/xmlns/spiffy">&a;</label>');
    const r = await check(['--policy', 'nato', '--label', file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('xml_forbidden_dtd');
  });

  it.each([
    [[]],
    [['--policy', 'nato']],
    [['--policy', 'nato', '--marking', 'NATO SECRET', '--label', 'x']],
    [['--policy', 'nato', '--marking', 'NATO SECRET', '--lang', 'de']],
    [['--policy', 'nato', '--marking']],
  ])('is a usage error (exit 2): %j', async (args) => {
    const r = await check(args);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toHaveLength(1);
  });
});

describe('entente label check with several --policy', () => {
  /** The same arguments with the policies given in each order: the answer must not depend on it. */
  async function bothOrders(a: string, b: string, marking: string) {
    const ab = await check(['--policy', a, '--policy', b, '--marking', marking]);
    const ba = await check(['--policy', b, '--policy', a, '--marking', marking]);
    expect(ba).toEqual(ab);
    return ab;
  }

  it("names the duplicate value the policy that recognised the marking found, not another policy's unknown word", async () => {
    const r = await bothOrders('eu', 'nato', 'NATO SECRET REL TO FRA, FRA');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toContain('the marking names FRA twice');
    expect(r.err).toContain('(label_malformed)');
    expect(r.err).not.toContain('"NATO"');
  });

  it('names a value out of place when the policy that knows it is not the first given', async () => {
    const r = await bothOrders('nato', 'uk', 'SECRET UK EYES ONLY');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot read "UK" .* UK-DEMO writes its lists/);
    expect(r.err).toContain('(label_malformed)');
  });

  it('names the unknown word where the policy that read furthest stopped', async () => {
    const nato = await bothOrders('eu', 'nato', 'NATO ULTRA');
    expect(nato.code).toBe(1);
    expect(nato.err).toContain('unknown marking token "ULTRA"');
    expect(nato.err).toContain('(marking_unknown_token)');
    const eu = await bothOrders('eu', 'nato', 'EU ULTRA');
    expect(eu.err).toContain('unknown marking token "ULTRA"');
  });

  it.each([
    ['a word neither knows', 'BANANA SPLIT', 'BANANA'],
    ['an empty marking', '', '(end of marking)'],
    ['the wrong case', 'nato secret', 'nato'],
    ['an over-long marking', 'NATO SECRET REL TO FRA, FRA'.repeat(200), 'longer than 4096'],
  ])('still names the unknown token of a marking no policy recognises: %s', async (_what, marking, named) => {
      const r = await bothOrders('eu', 'nato', marking);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toContain(named);
      expect(r.err).toContain('(marking_unknown_token)');
  });

  it.each([
    ['NATO SECRET REL TO FRA', 'NATO', '1.3.26.1.3.1'],
    ['EU SECRET', 'EU', '2.999.208272260.1'],
  ])('reads a valid marking whichever order the policies are given in: %s', async (marking, name, id) => {
    for (const order of [['eu', 'nato'], ['nato', 'eu']]) {
      const answer = await checkJson([...order.flatMap((p) => ['--policy', p]), '--marking', marking]);
      expect(answer).toMatchObject({ policy: { id, name }, valid: true, marking });
    }
  });

  it('breaks a tie between two policies that read as far by policy OID, not by the order given', async () => {
    // A twin of NATO under another OID whose "Releasable To" list has another name: both stop at the
    // misplaced FRA, at the same offset, and say so in different words.
    const nato = readPolicyText('nato');
    const twin = nato.replace('<securityPolicyId name="NATO" id="1.3.26.1.3.1"/>', '<securityPolicyId name="NATO" id="1.3.26.1.3.99"/>').replace('<securityCategoryTagSet name="Releasable To"', '<securityCategoryTagSet name="Releasable Twin"');
    expect(twin).toContain('1.3.26.1.3.99');
    expect(twin).toContain('Releasable Twin');
    const file = join(dir.path, 'nato-twin.xml');
    writeFileSync(file, twin);
    const r = await bothOrders(file, 'nato', 'NATO SECRET FRA REL TO');
    expect(r.code).toBe(1);
    expect(r.err).toContain('cannot read "FRA" (a value of Releasable To) at offset 12');
  });

  it('refuses a marking two of the policies read, naming both in the order given', async () => {
    const r = await check(['--policy', 'uk', '--policy', 'fr', '--marking', 'SECRET']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('several policies (UK-DEMO, FR-DEMO); load only the one you mean (marking_ambiguous)');
  });
});
