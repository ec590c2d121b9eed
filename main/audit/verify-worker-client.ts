import type { Statement } from '@signalapp/sqlcipher';
import { Worker } from 'node:worker_threads';
import { HASH_BYTES } from '../crypto/sodium';
import { builtWorkerUrl } from '../workers/unpacked-path';
import { SLOT, SLOT_COUNT, batchFrom, type BatchMessage, type WorkerStart } from './verify-worker-batch';
import type { ChainWalker } from './walker';

/**
 * The main thread's side of the verify worker (verify-worker.ts): this thread reads batches — the cost
 * of SQLCipher decrypting the pages — and hands each to the worker, which hashes its chain while the
 * next is read. Verification stays synchronous (its callers are): the thread waits for the worker with
 * Atomics.wait, never on its event loop.
 *
 * Nothing here decides that an entry is bad. The walker advances over the batches the worker found
 * intact, in order; at the first it did not — or if the worker cannot start, breaks or stalls — this
 * stops, and verify.ts carries on alone from there, reading that batch again and naming the entry.
 */

/**
 * The built worker's file name, next to every bundle that verifies: the CLI's, the evaluation mode's
 * and the Electron app's (scripts/build.mjs), the benches' (scripts/bench.mjs).
 */
export const WORKER_FILE = 'audit-verify-worker.js';

/** At most this many batches (≈ 0.7 MB each) read ahead of the worker, which bounds memory while it starts. */
const AHEAD = 32;
/** No progress from the worker for this long: it is stuck; this thread verifies the rest itself. */
const STALL_MS = 20_000;
const WAIT_SLICE_MS = 100;

/**
 * The worker built next to the running bundle (unpacked from app.asar when packaged,
 * workers/unpacked-path.ts); null when running from the sources (no build beside them).
 */
export function builtWorkerScript(base: string = import.meta.url): URL | null {
  return builtWorkerUrl(WORKER_FILE, base);
}

// The worker module is loaded by this small CommonJS script so that a module that cannot be loaded
// (missing, unreadable inside an archive, broken) raises the error slot at once: an 'error' event
// would wait for the event loop this thread is blocking.
const BOOT = `const { workerData } = require('node:worker_threads');
import(workerData.script).catch(() => {
  const c = new Int32Array(workerData.control);
  Atomics.store(c, ${SLOT.error}, 1);
  Atomics.notify(c, ${SLOT.done});
});`;

/** A typed array whose whole ArrayBuffer may be transferred: the driver's own, or a copy when it is a view. */
function transferable(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const b = bytes.buffer;
  return b instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === b.byteLength ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

/**
 * Reads batches with `batchQuery` (verify.ts: the entries numbered after `?` up to `?` + a batch,
 * joined) from the walker's position and has the worker at `script` check them; advances the walker
 * over every batch found intact and stops at the first that is not, at the end of the history, or when
 * the worker fails. Returns the number of entries the worker checked and found intact.
 */
export function verifyInWorker(batchQuery: Statement<object>, walker: ChainWalker, script: URL): number {
  const from = walker.expected;
  const control = new Int32Array(new SharedArrayBuffer(SLOT_COUNT * Int32Array.BYTES_PER_ELEMENT));
  Atomics.store(control, SLOT.failed, -1);
  const start: WorkerStart = { script: script.href, control: control.buffer as SharedArrayBuffer };
  let worker: Worker;
  try {
    worker = new Worker(BOOT, { eval: true, workerData: start });
  } catch {
    return 0;
  }
  // Failures arrive through the error slot; an unheard 'error' event would end the process.
  worker.on('error', () => {});
  worker.unref();

  const sent: { n: number; last: Uint8Array }[] = [];
  let accepted = 0;
  /** Takes the batches the worker has finished; false when it found one not intact or failed. */
  const accept = (): boolean => {
    if (Atomics.load(control, SLOT.error) !== 0) return false;
    // `done` before `failed`: the worker sets `failed` before counting that batch done.
    const done = Atomics.load(control, SLOT.done);
    const failed = Atomics.load(control, SLOT.failed);
    while (accepted < done) {
      const b = sent.shift();
      if (b === undefined || accepted === failed) return false;
      walker.advanceBy(b.n, b.last);
      accepted += 1;
    }
    return true;
  };
  /** Waits until at most `pending` batches are still with the worker; false as accept(), or on a stall. */
  const drain = (pending: number): boolean => {
    let progress = performance.now();
    let seen = accepted;
    for (;;) {
      if (!accept()) return false;
      if (sent.length <= pending) return true;
      if (accepted > seen) {
        seen = accepted;
        progress = performance.now();
      } else if (performance.now() - progress > STALL_MS) return false;
      Atomics.wait(control, SLOT.done, accepted, WAIT_SLICE_MS);
    }
  };

  try {
    let next = walker.expected;
    let prev = new Uint8Array(walker.prev);
    for (;;) {
      if (!drain(AHEAD - 1)) return walker.expected - from;
      const row = batchQuery.get([next - 1, next - 1]);
      // The end, a gap, or a batch not whole or not in order: verify.ts goes on from the first batch
      // the worker has not accepted, reading row by row where a batch does not verify.
      if (row === undefined || row.n === 0) break;
      const batch = batchFrom(row, next);
      if (batch === null) break;
      const entries = transferable(batch.entries);
      const hashes = transferable(batch.hashes);
      // A copy (Buffer's slice would be a view into the buffer about to be transferred).
      const last = Uint8Array.from(hashes.subarray(hashes.length - HASH_BYTES));
      const message: BatchMessage = { n: batch.n, prev, entries, hashes };
      try {
        worker.postMessage(message, [entries.buffer, hashes.buffer]);
      } catch {
        break; // (a buffer that cannot be transferred) this thread checks the batch itself
      }
      sent.push({ n: batch.n, last });
      next += batch.n;
      prev = last;
    }
    drain(0);
  } finally {
    void worker.terminate();
  }
  return walker.expected - from;
}
