import { utf8 } from '../../shared/labels/canonical-json';
import { HASH_BYTES, blake2b } from '../crypto/sodium';

/**
 * The hash chain (docs/AUDIT.md §4):
 *
 *     hash_0 = 32 zero bytes
 *     hash_n = BLAKE2b-256(UTF-8("entente/v1/audit") || 0x00 || hash_{n-1} || canonical bytes of entry n)
 *
 * unkeyed. The context string keeps an audit hash from ever being mistaken for any other BLAKE2b value
 * Entente computes (fingerprints, safety numbers, key derivation), and the previous hash makes each
 * entry commit to the whole history before it.
 */
export const CHAIN_CONTEXT = 'entente/v1/audit';
export const GENESIS_HASH: Uint8Array = new Uint8Array(HASH_BYTES);

const PREFIX = (() => {
  const context = utf8(CHAIN_CONTEXT);
  const out = new Uint8Array(context.length + 1);
  out.set(context, 0);
  return out;
})();
const PREV_AT = PREFIX.length;
const ENTRY_AT = PREV_AT + HASH_BYTES;

/**
 * Computes chain hashes with one reusable input buffer: verification hashes millions of entries, and
 * a fresh allocation per entry would cost as much as the hashing itself.
 */
export class ChainHasher {
  #buf = new Uint8Array(4096);

  constructor() {
    this.#buf.set(PREFIX, 0);
  }

  /** hash_n from hash_{n-1} and the entry's canonical bytes. */
  next(prev: Uint8Array, entry: Uint8Array): Uint8Array {
    const need = ENTRY_AT + entry.length;
    if (need > this.#buf.length) {
      this.#buf = new Uint8Array(Math.max(need, this.#buf.length * 2));
      this.#buf.set(PREFIX, 0);
    }
    this.#buf.set(prev, PREV_AT);
    this.#buf.set(entry, ENTRY_AT);
    return blake2b(this.#buf.subarray(0, need), HASH_BYTES);
  }
}

export function chainHash(prev: Uint8Array, entry: Uint8Array): Uint8Array {
  return new ChainHasher().next(prev, entry);
}

/** Byte equality for hashes (public values: no need for constant time). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
