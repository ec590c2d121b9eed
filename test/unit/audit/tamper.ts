import type Database from '@signalapp/sqlcipher';

/**
 * Random tampering with an audit history, reproducible from a seed, each case with the entry that
 * verification must name: the lowest entry that is no longer as written (for a deletion the deleted
 * one, for a swap the lower of the two, for a truncation the first entry cut off).
 */

/** mulberry32: a tiny seeded PRNG, so a failing case is reproduced from its seed alone. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = (rand: () => number, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

export interface TamperCase {
  what: string;
  expected: number;
}

const DB_OPS = ['entry', 'hash', 'prev', 'delete', 'swap', 'swap-entries', 'truncate', 'renumber', 'move'] as const;

function flipBit(bytes: Uint8Array, rand: () => number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes);
  const i = pick(rand, 0, out.length - 1);
  out[i] = (out[i] as number) ^ (1 << pick(rand, 0, 7));
  return out;
}

/** One random change to the rows of `audit_log` (entries 1..n, guards lifted); returns what verification must report. */
export function tamperDatabase(conn: Database, n: number, rand: () => number): TamperCase {
  const op = DB_OPS[pick(rand, 0, DB_OPS.length - 1)] as (typeof DB_OPS)[number];
  const k = pick(rand, 1, n);
  const row = (seq: number) => conn.prepare('SELECT entry, prev, hash FROM audit_log WHERE seq = ?').get([seq]) as { entry: string; prev: Uint8Array; hash: Uint8Array };
  const set = (seq: number, col: string, value: string | Uint8Array<ArrayBuffer>) => conn.prepare(`UPDATE audit_log SET ${col} = ? WHERE seq = ?`).run([value, seq]);
  switch (op) {
    case 'entry': {
      const text = row(k).entry;
      const i = pick(rand, 0, text.length - 1);
      const c = String.fromCharCode(pick(rand, 0x20, 0x7e));
      if (c === text[i]) return tamperDatabase(conn, n, rand);
      set(k, 'entry', text.slice(0, i) + c + text.slice(i + 1));
      return { what: `entry ${k}: character ${i} replaced`, expected: k };
    }
    case 'hash':
    case 'prev':
      set(k, op, flipBit(row(k)[op], rand));
      return { what: `entry ${k}: a bit of its ${op} flipped`, expected: k };
    case 'delete':
      conn.prepare('DELETE FROM audit_log WHERE seq = ?').run([k]);
      return { what: `entry ${k} deleted`, expected: k };
    case 'swap':
    case 'swap-entries': {
      let j = pick(rand, 1, n);
      if (j === k) j = k === n ? k - 1 : k + 1;
      const [lo, hi] = [Math.min(j, k), Math.max(j, k)];
      const a = row(lo);
      const b = row(hi);
      const cols = op === 'swap' ? (['entry', 'prev', 'hash'] as const) : (['entry'] as const);
      for (const col of cols) {
        set(lo, col, b[col] as string | Uint8Array<ArrayBuffer>);
        set(hi, col, a[col] as string | Uint8Array<ArrayBuffer>);
      }
      return { what: `entries ${lo} and ${hi} swapped (${cols.join(', ')})`, expected: lo };
    }
    case 'truncate':
      conn.prepare('DELETE FROM audit_log WHERE seq >= ?').run([k]);
      return { what: `truncated from entry ${k}`, expected: k };
    case 'renumber':
      // Delete, then close the gap so the numbers look contiguous again.
      conn.prepare('DELETE FROM audit_log WHERE seq = ?').run([k]);
      conn.prepare('UPDATE audit_log SET seq = -seq WHERE seq > ?').run([k]);
      conn.prepare('UPDATE audit_log SET seq = -seq - 1 WHERE seq < 0').run();
      return { what: `entry ${k} deleted and the later ones renumbered`, expected: k };
    case 'move':
      conn.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?').run([n + pick(rand, 1, 50), k]);
      return { what: `entry ${k} renumbered past the end`, expected: k };
  }
}

const EXPORT_OPS = ['flip', 'delete', 'swap', 'truncate', 'cut', 'duplicate', 'append'] as const;

/** One random change to an export's lines (each with its final "\n"); returns the new file and the expectation. */
export function tamperExport(lines: Buffer[], rand: () => number): { bytes: Buffer; case: TamperCase } {
  const n = lines.length;
  const op = EXPORT_OPS[pick(rand, 0, EXPORT_OPS.length - 1)] as (typeof EXPORT_OPS)[number];
  const k = pick(rand, 1, n);
  const out: Buffer[] = lines.map((l) => Buffer.from(l));
  const at = (seq: number) => out[seq - 1] as Buffer;
  let c: TamperCase;
  switch (op) {
    case 'flip': {
      const line = at(k);
      const i = pick(rand, 0, line.length - 1);
      line[i] = (line[i] as number) ^ pick(rand, 1, 255);
      c = { what: `line ${k}: byte ${i} changed`, expected: k };
      break;
    }
    case 'delete':
      out.splice(k - 1, 1);
      c = { what: `line ${k} deleted`, expected: k };
      break;
    case 'swap': {
      let j = pick(rand, 1, n);
      if (j === k) j = k === n ? k - 1 : k + 1;
      const [lo, hi] = [Math.min(j, k), Math.max(j, k)];
      [out[lo - 1], out[hi - 1]] = [at(hi), at(lo)];
      c = { what: `lines ${lo} and ${hi} swapped`, expected: lo };
      break;
    }
    case 'truncate':
      out.splice(k - 1);
      c = { what: `truncated from line ${k}`, expected: k };
      break;
    case 'cut': {
      const line = at(k);
      out.splice(k - 1, n, line.subarray(0, pick(rand, 1, line.length - 1)));
      c = { what: `cut inside line ${k}`, expected: k };
      break;
    }
    case 'duplicate':
      out.splice(k, 0, Buffer.from(at(k)));
      c = { what: `line ${k} duplicated`, expected: k + 1 };
      break;
    case 'append':
      out.push(Buffer.from(at(n)));
      c = { what: 'the last line appended again', expected: n + 1 };
      break;
  }
  return { bytes: Buffer.concat(out), case: c };
}
