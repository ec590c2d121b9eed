import { parentPort, workerData } from 'node:worker_threads';
import { sodiumReady } from '../crypto/sodium';
import { ChainHasher } from './chain';
import { BatchMessage, SLOT, WorkerStart, batchIntact } from './verify-worker-batch';

/**
 * The verify worker (docs/AUDIT.md §10): hashes the chain of each batch the main thread has read while
 * the main thread reads the next one, so that SQLCipher's decryption and BLAKE2b run on two cores.
 * Started by verify-worker-client.ts; built as its own file next to each bundle (scripts/build.mjs).
 *
 * Batches arrive in order; the worker counts them and records the first that is not intact. It says
 * nothing about what is wrong: the main thread reads that batch again and finds out, as it does alone.
 */
const start = WorkerStart.parse(workerData);
const control = new Int32Array(start.control);

const signal = (slot: number, value: number): void => {
  Atomics.store(control, slot, value);
  Atomics.notify(control, SLOT.done);
};

try {
  const port = parentPort;
  if (port === null) throw new Error('the audit verify worker runs only as a worker thread');
  await sodiumReady();
  const hasher = new ChainHasher();
  port.on('message', (raw: unknown) => {
    try {
      if (Atomics.load(control, SLOT.failed) < 0) {
        const m = BatchMessage.safeParse(raw);
        if (!m.success || !batchIntact(hasher, m.data.prev, m.data.entries, m.data.hashes, m.data.n)) {
          Atomics.store(control, SLOT.failed, Atomics.load(control, SLOT.done));
        }
      }
      Atomics.add(control, SLOT.done, 1);
      Atomics.notify(control, SLOT.done);
    } catch {
      signal(SLOT.error, 1);
      port.close();
    }
  });
  signal(SLOT.ready, 1);
} catch {
  signal(SLOT.error, 1);
}
