import { z } from 'zod';
import { HASH_BYTES } from '../crypto/sodium';
import { sameBytes, type ChainHasher } from './chain';

/**
 * One batch of the chain as verification reads it (main/audit/verify.ts), checked the same way in the
 * main thread and in the verify worker (verify-worker.ts): `n` entries' canonical bytes joined by "\n"
 * (an entry is one line: canonical JSON has no raw control character), and their stored previous and
 * own hashes, 64 bytes per entry.
 */

/** Bytes of stored hashes per entry: its previous hash, then its own. */
export const HASHES_PER_ENTRY = 2 * HASH_BYTES;

/**
 * True when every entry's stored previous hash is the chain so far (starting from `prev`) and its
 * stored hash is its chain hash; the batch's last stored hash is then the chain's. False for anything
 * else, including entries that do not split into exactly `n` lines.
 */
export function batchIntact(hasher: ChainHasher, prev: Uint8Array, entries: Uint8Array, hashes: Uint8Array, n: number): boolean {
  if (n < 1 || hashes.length !== HASHES_PER_ENTRY * n) return false;
  let chain = prev;
  let start = 0;
  for (let i = 0; i < n; i++) {
    let end = entries.indexOf(10, start);
    if (end < 0) end = entries.length;
    if (end === entries.length && i !== n - 1) return false;
    const at = HASHES_PER_ENTRY * i;
    const stored = hashes.subarray(at + HASH_BYTES, at + HASHES_PER_ENTRY);
    if (!sameBytes(hashes.subarray(at, at + HASH_BYTES), chain)) return false;
    if (!sameBytes(hasher.next(chain, entries.subarray(start, end)), stored)) return false;
    chain = stored;
    start = end + 1;
  }
  return start === entries.length + 1;
}

export interface Batch {
  n: number;
  entries: Uint8Array;
  hashes: Uint8Array;
}

/**
 * The batch in a row of verify.ts's batch query, when it is whole and in order: `n` entries numbered
 * from `expected` on, and 64 bytes of hashes each. Null otherwise (the rows are then read one by one).
 */
export function batchFrom(row: Record<string, unknown>, expected: number): Batch | null {
  const { n, lo, hi, entries, hashes } = row;
  if (typeof n !== 'number' || n < 1 || lo !== expected || hi !== expected + n - 1) return null;
  if (!(entries instanceof Uint8Array) || !(hashes instanceof Uint8Array) || hashes.length !== HASHES_PER_ENTRY * n) return null;
  return { n, entries, hashes };
}

// ---- between the main thread and the verify worker ------------------------------------------------

/**
 * The worker reports through shared memory, not messages: the main thread waits for it with
 * Atomics.wait inside a synchronous verification, its event loop blocked, so it would never read a
 * message. Every change is followed by Atomics.notify on the `done` slot, the one the main thread waits on.
 */
export const SLOT = {
  /** 1 once libsodium is ready in the worker. */
  ready: 0,
  /** Batches the worker has finished (checked, or skipped after a failure). */
  done: 1,
  /** The number of the first batch that is not intact (counted from 0), or -1. */
  failed: 2,
  /** 1 when the worker could not start or broke: the main thread verifies on its own. */
  error: 3,
} as const;
export const SLOT_COUNT = 4;

export const WorkerStart = z.strictObject({
  script: z.string().startsWith('file:'),
  control: z.instanceof(SharedArrayBuffer).refine((b) => b.byteLength === SLOT_COUNT * Int32Array.BYTES_PER_ELEMENT, 'control slots'),
});
export type WorkerStart = z.infer<typeof WorkerStart>;

/** One batch sent to the worker; its buffers are transferred, not copied. */
export const BatchMessage = z.strictObject({
  n: z.number().int().min(1),
  prev: z.instanceof(Uint8Array).refine((b) => b.length === HASH_BYTES, 'a hash'),
  entries: z.instanceof(Uint8Array),
  hashes: z.instanceof(Uint8Array),
});
export type BatchMessage = z.infer<typeof BatchMessage>;
