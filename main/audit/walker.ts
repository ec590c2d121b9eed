import type { ErrorCode } from '../../shared/errors';
import { ChainHasher, GENESIS_HASH, sameBytes } from './chain';
import { claimedSeq } from './entry';

/**
 * What verification reports when the history is not intact: the first entry that is not as it was
 * written (docs/AUDIT.md §6). `seq` is that entry's number; for a deletion the number of the first
 * missing entry, for a truncation the first entry cut off, for two swapped entries the lower one.
 */
export type ProblemKind =
  | 'modified'
  | 'reordered'
  | 'missing'
  | 'unexpected'
  | 'malformed'
  | 'truncated'
  | 'extra'
  | 'rewritten'
  | 'rollback'
  | 'checkpoint_invalid'
  | 'manifest_invalid';

export interface AuditProblem {
  code: Extract<ErrorCode, 'audit_chain_broken' | 'audit_checkpoint_invalid' | 'audit_rollback_detected' | 'audit_export_malformed'>;
  kind: ProblemKind;
  /** The first bad entry (0 when the problem is not about an entry, e.g. a manifest's signature). */
  seq: number;
  message: string;
}

export const problem = (code: AuditProblem['code'], kind: ProblemKind, seq: number, message: string): AuditProblem => ({ code, kind, seq, message });

/** One entry as read back: its number (the database column, or the number its text claims), bytes and hashes. */
export interface ChainRow {
  seq: number | null;
  entry: Uint8Array;
  prev: Uint8Array | null;
  hash: Uint8Array | null;
}

/**
 * Walks entries in order and names the first one that breaks the chain. Each entry is checked on its
 * own (its hash over its previous hash and bytes) and against its predecessor (its previous hash is the
 * predecessor's hash): together these tell an altered entry from a missing or displaced one.
 */
export class ChainWalker {
  expected = 1;
  prev: Uint8Array = GENESIS_HASH;
  readonly #hasher = new ChainHasher();
  readonly #missingWord: string;

  /** `where`: how a missing entry is described ("database" entries can only be missing; export lines may also be out of place). */
  constructor(private readonly where: 'database' | 'export') {
    this.#missingWord = where === 'database' ? 'is missing' : 'is missing or out of place';
  }

  get hasher(): ChainHasher {
    return this.#hasher;
  }

  /** Accepts an entry known to be intact (the fast path verified it). */
  advance(hash: Uint8Array): void {
    this.prev = hash;
    this.expected += 1;
  }

  /** Accepts `count` entries known to be intact (a batch the verify worker checked), the last with hash `last`. */
  advanceBy(count: number, last: Uint8Array): void {
    this.prev = last;
    this.expected += count;
  }

  step(row: ChainRow): AuditProblem | null {
    const e = this.expected;
    if (row.seq === null) return problem('audit_chain_broken', 'malformed', e, `entry ${e} is unreadable: it was altered or damaged`);
    if (row.seq > e) {
      const span = row.seq > e + 1 ? ` (entries ${e} to ${row.seq - 1})` : '';
      return problem('audit_chain_broken', 'missing', e, `entry ${e} ${this.#missingWord}${span}; entry ${row.seq} follows entry ${e - 1}`);
    }
    if (row.seq < e) return problem('audit_chain_broken', 'unexpected', e, `an entry numbered ${row.seq} stands where entry ${e} belongs`);
    if (row.prev === null || row.hash === null) return problem('audit_chain_broken', 'modified', e, `entry ${e}'s hashes were altered`);
    const selfOk = sameBytes(this.#hasher.next(row.prev, row.entry), row.hash);
    const linkOk = sameBytes(row.prev, this.prev);
    if (selfOk && linkOk) {
      this.advance(row.hash);
      return null;
    }
    const claimed = claimedSeq(row.entry);
    if (claimed !== null && claimed !== e) return problem('audit_chain_broken', 'reordered', e, `entry ${e} holds the content of entry ${claimed}: entries were moved or swapped`);
    if (selfOk && e > 1) {
      // Consistent in itself but not linked: the predecessor was replaced with a recomputed hash.
      return problem('audit_chain_broken', 'modified', e - 1, `entry ${e - 1} was altered (its hash no longer matches the one entry ${e} was chained to)`);
    }
    return problem('audit_chain_broken', 'modified', e, `entry ${e} was altered (${selfOk ? 'its link to the previous entry' : 'its content or hash'} does not match)`);
  }
}
