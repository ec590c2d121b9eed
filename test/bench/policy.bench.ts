import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  canonicalLabel,
  compileClearance,
  compileLabel,
  compileSpif,
  decideCompiled,
  GRANT,
  normalizeLabel,
  renderLabelMarking,
  validateLabel,
  viewOf,
  type Clearance,
  type Label,
  type Policy,
} from '../../main/policy';

/**
 * Policy engine benchmark (issue 3): NATO SPIF compile time, markings rendered per second, ACDF
 * decisions per second over 1M label/clearance pairs (goal ≥ 1M/s on one core), canonical JSON
 * encodings per second. Uses the peer suite's NATO SPIF from ../shared/conformance.
 */
const SPIF = path.resolve(import.meta.dirname, '../../../shared/conformance/spiffing/nato-4774-policy.xml');

/** Deterministic pseudo-random numbers, so runs are comparable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function timeIt(fn: () => void, minMs = 300): { perSec: number; msEach: number } {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    fn();
    n++;
    now = performance.now();
  }
  return { perSec: (n * 1000) / (now - start), msEach: (now - start) / n };
}

/** A realistic NATO mix: mostly RESTRICTED–SECRET, Context, a few releasability countries, some ATOMAL. */
function labels(policy: Policy, count: number, rand: () => number): Label[] {
  const view = viewOf(policy);
  const byTagSet = (name: string) => view.categories.filter((c) => c.tagSet.name === name).map((c) => c.ref);
  const rel = byTagSet('Releasable To');
  const ctx = byTagSet('Context');
  const add = byTagSet('Additional Sensitivity');
  const out: Label[] = [];
  while (out.length < count) {
    const cls = [1, 2, 2, 3, 3, 4, 4, 5][Math.floor(rand() * 8)] as number;
    const cats = [ctx[0] as Label['categories'][number]];
    if (rand() < 0.5) for (let i = 0; i < 1 + Math.floor(rand() * 4); i++) cats.push(rel[Math.floor(rand() * rel.length)] as Label['categories'][number]);
    if (rand() < 0.2) cats.push(add[Math.floor(rand() * add.length)] as Label['categories'][number]);
    const l = normalizeLabel({ policyId: policy.id, classification: cls, categories: cats });
    if (validateLabel(policy, l).valid) out.push(l);
  }
  return out;
}

function clearances(policy: Policy, count: number, rand: () => number): Clearance[] {
  const view = viewOf(policy);
  const cats = view.categories.map((c) => c.ref);
  return Array.from({ length: count }, () => {
    const top = 1 + Math.floor(rand() * 5);
    return {
      policyId: policy.id,
      classifications: [1, 2, 3, 4, 5].filter((c) => c <= top),
      categories: cats.filter(() => rand() < 0.3),
    };
  });
}

async function run(): Promise<void> {
  const xml = readFileSync(SPIF, 'utf8');
  const compile = timeIt(() => compileSpif(xml), 1000);
  console.log(`NATO SPIF compile: ${compile.msEach.toFixed(2)} ms (${(xml.length / 1024).toFixed(0)} KiB)`);

  const policy = compileSpif(xml);
  const rand = rng(4774);
  const ls = labels(policy, 1000, rand);
  let i = 0;
  const render = timeIt(() => {
    for (let k = 0; k < 100; k++) renderLabelMarking(policy, ls[i++ % ls.length] as Label, { lang: i % 4 === 0 ? 'fr' : 'en' });
  });
  console.log(`markings rendered: ${Math.round(render.perSec * 100).toLocaleString('en')}/s`);

  const cl = clearances(policy, 1000, rand).map((c) => compileClearance(policy, c));
  const cls = ls.map((l) => compileLabel(policy, l));
  const PAIRS = 1_000_000;
  const li = new Uint16Array(PAIRS);
  const ci = new Uint16Array(PAIRS);
  for (let k = 0; k < PAIRS; k++) {
    li[k] = Math.floor(rand() * cls.length);
    ci[k] = Math.floor(rand() * cl.length);
  }
  let granted = 0;
  const acdf = timeIt(() => {
    granted = 0;
    for (let k = 0; k < PAIRS; k++) if (decideCompiled(cls[li[k] as number]!, cl[ci[k] as number]!) === GRANT) granted++;
  }, 1500);
  const perSec = acdf.perSec * PAIRS;
  console.log(`ACDF decisions: ${Math.round(perSec).toLocaleString('en')}/s over ${PAIRS.toLocaleString('en')} pairs (${((granted / PAIRS) * 100).toFixed(1)}% granted); ${(perSec / 1e6).toFixed(2)}× the 1M/s goal`);

  const json = timeIt(() => {
    for (let k = 0; k < 100; k++) canonicalLabel(ls[i++ % ls.length] as Label);
  });
  console.log(`canonical JSON encodings: ${Math.round(json.perSec * 100).toLocaleString('en')}/s`);
}

await run();
