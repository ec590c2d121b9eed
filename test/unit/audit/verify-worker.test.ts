import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GENESIS_HASH } from '../../../main/audit/chain';
import { BATCH, verifyAuditLog, verifyChain, type VerifyOptions, type VerifyReport } from '../../../main/audit/verify';
import { SLOT, SLOT_COUNT } from '../../../main/audit/verify-worker-batch';
import { WORKER_FILE, builtWorkerScript } from '../../../main/audit/verify-worker-client';
import type { Profile } from '../../../main/identity/profile';
import { tempDir } from '../../helpers/tmp';
import { auditProfile, noteEvent, unguard, unlockAgain } from './helpers';
import { prng, tamperDatabase } from './tamper';

/**
 * Verification with the worker thread (main/audit/verify-worker*.ts) must find exactly what the
 * verification in one thread finds. The worker is bundled from the sources the way scripts/build.mjs
 * and scripts/bench.mjs build it, next to node_modules, and named explicitly: from the sources,
 * verification finds no built worker and stays in one thread.
 */
const CASES = 30;
const SEED = 0x3a11;

let out: string;
let script: URL;
beforeAll(async () => {
  mkdirSync(resolve('.tsbuild/unit'), { recursive: true });
  out = mkdtempSync(resolve('.tsbuild/unit/verify-worker-'));
  const outfile = join(out, WORKER_FILE);
  await build({ entryPoints: [resolve('main/audit/verify-worker.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' });
  script = pathToFileURL(outfile);
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const inWorker = (): VerifyOptions => ({ workerScript: script, workerMinEntries: 0 });
const alone: VerifyOptions = { workerScript: null };
const withoutTime = ({ ms: _ms, ...rest }: VerifyReport) => rest;

describe('audit verification with the worker thread', () => {
  let tmp: ReturnType<typeof tempDir>;
  let profile: Profile;
  let n: number;

  beforeAll(async () => {
    tmp = tempDir();
    const dir = join(tmp.path, 'p');
    const made = await auditProfile(dir);
    // Two and a third batches, so that a change can fall in a batch after ones the worker accepted.
    made.db.transaction(() => {
      for (let i = 0; i < 2 * BATCH + 700; i++) made.audit.record(noteEvent(i, 1 + (i % 4)));
    });
    made.lock();
    profile = await unlockAgain(dir);
    const cp = profile.auditLog.checkpoint('export');
    if (cp === null) throw new Error('no checkpoint');
    profile.auditLog.saveCopy(cp);
    n = profile.auditLog.head().seq;
  });
  afterAll(() => {
    profile.lock();
    tmp.remove();
  });

  it('is not found next to the sources: verification from them stays in one thread', () => {
    expect(builtWorkerScript()).toBeNull();
    expect(verifyChain(profile.db.connection, { workerMinEntries: 0 }).inWorker).toBe(0);
  });

  it('checks every entry of an intact history and reports as one thread does', () => {
    const chain = verifyChain(profile.db.connection, inWorker());
    expect(chain.problem).toBeNull();
    expect(chain.inWorker).toBe(n);
    expect(chain.walker.expected).toBe(n + 1);
    const r = verifyAuditLog(profile.auditLog, inWorker());
    expect(r.ok).toBe(true);
    expect(withoutTime(r)).toEqual(withoutTime(verifyAuditLog(profile.auditLog, alone)));
  });

  it('is not used below workerMinEntries', () => {
    expect(verifyChain(profile.db.connection, { workerScript: script, workerMinEntries: n + 1 }).inWorker).toBe(0);
  });

  it(`names the same first bad entry as one thread for ${CASES} random changes, and hashed the batches before it (seed ${SEED})`, () => {
    const conn = profile.db.connection;
    const rand = prng(SEED);
    for (let c = 0; c < CASES; c++) {
      conn.exec('BEGIN');
      try {
        unguard(conn);
        const t = tamperDatabase(conn, n, rand);
        const worked = verifyAuditLog(profile.auditLog, inWorker());
        expect(worked.problem?.seq, `case ${c}: ${t.what}: ${worked.problem?.message}`).toBe(t.expected);
        expect(withoutTime(worked), `case ${c}: ${t.what}`).toEqual(withoutTime(verifyAuditLog(profile.auditLog, alone)));
        // The worker accepted every batch before the one holding the first bad entry, and nothing after it.
        const chain = verifyChain(conn, inWorker());
        expect(chain.inWorker, `case ${c}: ${t.what}`).toBeGreaterThanOrEqual(Math.floor((t.expected - 1) / BATCH) * BATCH);
        expect(chain.inWorker, `case ${c}: ${t.what}`).toBeLessThanOrEqual(t.expected - 1);
      } finally {
        conn.exec('ROLLBACK');
      }
    }
  }, 120_000);

  it('names the first of a whole batch of missing entries', () => {
    const conn = profile.db.connection;
    conn.exec('BEGIN');
    try {
      unguard(conn);
      conn.prepare('DELETE FROM audit_log WHERE seq > ? AND seq <= ?').run([BATCH, 2 * BATCH + 10]);
      for (const options of [inWorker(), alone]) {
        expect(verifyAuditLog(profile.auditLog, options).problem).toMatchObject({ code: 'audit_chain_broken', kind: 'missing', seq: BATCH + 1 });
      }
      expect(verifyChain(conn, inWorker()).inWorker).toBe(BATCH);
    } finally {
      conn.exec('ROLLBACK');
    }
  });

  it('verifies in this thread, at once, when the worker cannot be loaded', () => {
    const broken = join(out, 'broken-worker.js');
    writeFileSync(broken, "throw new Error('not a worker');\n");
    for (const bad of [pathToFileURL(join(out, 'missing.js')), pathToFileURL(broken)]) {
      const t0 = performance.now();
      const chain = verifyChain(profile.db.connection, { workerScript: bad, workerMinEntries: 0 });
      expect(chain.problem).toBeNull();
      expect(chain.inWorker).toBe(0);
      expect(chain.walker.expected).toBe(n + 1);
      expect(performance.now() - t0).toBeLessThan(10_000);
    }
  });
});

describe('the verify worker itself', () => {
  let tmp: ReturnType<typeof tempDir>;
  let profile: Profile;
  beforeAll(async () => {
    tmp = tempDir();
    profile = await auditProfile(join(tmp.path, 'p'));
    for (let i = 0; i < 3; i++) profile.audit.record(noteEvent(i));
  });
  afterAll(() => {
    profile.lock();
    tmp.remove();
  });

  /** Entries 1..3 as verification batches them. */
  function batch(): { n: number; prev: Uint8Array; entries: Uint8Array; hashes: Uint8Array } {
    const rows = profile.db.connection.prepare('SELECT CAST(entry AS BLOB) AS entry, prev, hash FROM audit_log WHERE seq <= 3 ORDER BY seq').all();
    const bytes = (k: string) => rows.map((r) => r[k] as Uint8Array);
    const entries = Buffer.concat(bytes('entry').flatMap((e, i) => (i === 0 ? [e] : [Buffer.from('\n'), e])));
    const hashes = Buffer.concat(rows.flatMap((r) => [r.prev as Uint8Array, r.hash as Uint8Array]));
    return { n: rows.length, prev: Uint8Array.from(GENESIS_HASH), entries: Uint8Array.from(entries), hashes: Uint8Array.from(hashes) };
  }

  async function until(control: Int32Array, done: number): Promise<void> {
    const t0 = Date.now();
    while (Atomics.load(control, SLOT.done) < done && Atomics.load(control, SLOT.error) === 0) {
      if (Date.now() - t0 > 10_000) throw new Error('the worker did not answer');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it('accepts an intact batch, names the first malformed or altered one, and skips the rest', async () => {
    const control = new Int32Array(new SharedArrayBuffer(SLOT_COUNT * Int32Array.BYTES_PER_ELEMENT));
    Atomics.store(control, SLOT.failed, -1);
    const worker = new Worker(script, { workerData: { script: script.href, control: control.buffer } });
    try {
      worker.postMessage(batch());
      await until(control, 1);
      expect(Atomics.load(control, SLOT.failed)).toBe(-1);
      const altered = batch();
      altered.entries[10] = (altered.entries[10] as number) ^ 1;
      const hostile: unknown[] = [{ ...batch(), prev: new Uint8Array(31) }, { ...batch(), n: 4 }, { ...batch(), entries: 'text' }, { ...batch(), extra: 1 }, null, altered];
      for (const [i, m] of hostile.entries()) {
        const c = new Int32Array(new SharedArrayBuffer(SLOT_COUNT * Int32Array.BYTES_PER_ELEMENT));
        Atomics.store(c, SLOT.failed, -1);
        const w = new Worker(script, { workerData: { script: script.href, control: c.buffer } });
        try {
          w.postMessage(m);
          w.postMessage(batch());
          await until(c, 2);
          expect([i, Atomics.load(c, SLOT.failed), Atomics.load(c, SLOT.error)]).toEqual([i, 0, 0]);
        } finally {
          await w.terminate();
        }
      }
      expect(Atomics.load(control, SLOT.ready)).toBe(1);
      expect(Atomics.load(control, SLOT.error)).toBe(0);
    } finally {
      await worker.terminate();
    }
  });

  it('refuses to start without its control slots', async () => {
    const worker = new Worker(script, { workerData: { script: script.href, control: new SharedArrayBuffer(4) } });
    const failure = new Promise<unknown>((resolveError) => worker.once('error', resolveError));
    const exit = new Promise<number>((resolveExit) => worker.once('exit', resolveExit));
    expect(await failure).toBeInstanceOf(Error);
    expect(await exit).toBe(1);
  });
});
