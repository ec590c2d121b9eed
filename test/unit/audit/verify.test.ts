import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChainHasher } from '../../../main/audit/chain';
import { encodeSigned } from '../../../main/trust/signed';
import { checkpointFromSlot, checkpointSlot, decodeCheckpoint, signCheckpoint } from '../../../main/audit/checkpoint';
import { BATCH, verifyAuditLog } from '../../../main/audit/verify';
import { signKeyPair } from '../../../main/crypto/sodium';
import { readKeystoreFile } from '../../../main/identity/keystore-file';
import type { Profile } from '../../../main/identity/profile';
import { tempDir } from '../../helpers/tmp';
import { auditProfile, entries, noteEvent, unguard, unlockAgain } from './helpers';
import { prng, tamperDatabase } from './tamper';

const CASES = 1000;
const SEED = 0x7e57;

describe('audit verification of a profile', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dir: string;
  let profile: Profile;
  let n: number;

  beforeAll(async () => {
    tmp = tempDir();
    dir = join(tmp.path, 'p');
    const made = await auditProfile(dir, { checkpointEvery: 40 });
    for (let i = 0; i < 150; i++) made.audit.record(noteEvent(i, 1 + (i % 4)));
    made.lock();
    profile = await unlockAgain(dir, { audit: { checkpointEvery: 40 } });
    // Cover the head with a checkpoint and its keystore copy, so that any truncation is detectable.
    const cp = profile.auditLog.checkpoint('export');
    if (cp === null) throw new Error('no checkpoint');
    profile.auditLog.saveCopy(cp);
    n = profile.auditLog.head().seq;
  });
  afterAll(() => {
    profile.lock();
    tmp.remove();
  });

  it('finds an intact history intact', () => {
    const r = verifyAuditLog(profile.auditLog);
    expect(r.problem).toBeUndefined();
    expect(r).toMatchObject({ ok: true, entries: n, lastSeq: n, keystoreCheckpoint: { seq: n } });
    expect(r.checkpoints).toBeGreaterThanOrEqual(5);
    expect(r.latestCheckpoint?.seq).toBe(n);
  });

  it(`detects ${CASES} random modifications, deletions, swaps and truncations, each at the right entry (seed ${SEED})`, () => {
    const conn = profile.db.connection;
    const rand = prng(SEED);
    const seen = new Map<string, number>();
    for (let c = 0; c < CASES; c++) {
      conn.exec('BEGIN');
      try {
        unguard(conn);
        const t = tamperDatabase(conn, n, rand);
        const r = verifyAuditLog(profile.auditLog);
        expect(r.ok, `case ${c}: ${t.what}`).toBe(false);
        expect(r.problem?.seq, `case ${c}: ${t.what}: ${r.problem?.message}`).toBe(t.expected);
        expect(r.entries, `case ${c}: entries intact`).toBe(t.expected - 1);
        const kind = r.problem?.kind ?? 'none';
        seen.set(kind, (seen.get(kind) ?? 0) + 1);
      } finally {
        conn.exec('ROLLBACK');
      }
    }
    // Every family of tampering was exercised and recognised as such.
    for (const kind of ['modified', 'reordered', 'missing', 'truncated']) expect(seen.get(kind) ?? 0, JSON.stringify([...seen])).toBeGreaterThan(20);
    expect(verifyAuditLog(profile.auditLog).ok).toBe(true);
  });

  it('reports a forged or altered checkpoint signature as audit_checkpoint_invalid', () => {
    const conn = profile.db.connection;
    conn.exec('BEGIN');
    try {
      unguard(conn);
      const text = String(conn.prepare('SELECT checkpoint FROM audit_checkpoints WHERE seq = 80', { pluck: true }).get());
      const cp = decodeCheckpoint(text);
      if (cp === null) throw new Error('no checkpoint at 80');
      const forged = signCheckpoint({ officerId: 'jdupont', ...keysOf(signKeyPair()) }, 80, Buffer.from(cp.body.hash, 'base64url'), 'interval', Date.now());
      conn.prepare('UPDATE audit_checkpoints SET checkpoint = ? WHERE seq = 80').run([encodeSigned(forged)]);
      const r = verifyAuditLog(profile.auditLog);
      expect(r.problem).toMatchObject({ code: 'audit_checkpoint_invalid', seq: 80 });
    } finally {
      conn.exec('ROLLBACK');
    }
  });

  it('catches a history rewritten with recomputed hashes at the next checkpoint, naming the range', () => {
    const conn = profile.db.connection;
    conn.exec('BEGIN');
    try {
      unguard(conn);
      // Someone holding the key rewrites entry 50 and recomputes every hash after it: the chain is
      // consistent again, but the signed checkpoint at 80 no longer matches.
      const hasher = new ChainHasher();
      const rows = conn.prepare('SELECT seq, entry, prev FROM audit_log WHERE seq >= 50 ORDER BY seq').all();
      let prev = rows[0]?.prev as Uint8Array;
      for (const r of rows) {
        const text = r.seq === 50 ? String(r.entry).replace('"outcome":"ok"', '"outcome":"refused"') : String(r.entry);
        const hash = hasher.next(prev, Buffer.from(text));
        conn.prepare('UPDATE audit_log SET entry = ?, prev = ?, hash = ? WHERE seq = ?').run([text, prev as Uint8Array<ArrayBuffer>, hash as Uint8Array<ArrayBuffer>, r.seq as number]);
        prev = hash;
      }
      const r = verifyAuditLog(profile.auditLog);
      expect(r.problem).toMatchObject({ code: 'audit_chain_broken', kind: 'rewritten', seq: 41 });
      expect(r.problem?.message).toMatch(/after 40/);
    } finally {
      conn.exec('ROLLBACK');
    }
  });
});

describe('verification across read batches', () => {
  let tmp: ReturnType<typeof tempDir>;
  let profile: Profile;
  beforeAll(async () => {
    tmp = tempDir();
    profile = await auditProfile(join(tmp.path, 'p'), { checkpointEvery: 1000 });
    profile.db.transaction(() => {
      for (let i = 0; i < 2 * BATCH + 100; i++) profile.audit.record(noteEvent(i, 1 + (i % 4)));
    });
  });
  afterAll(() => {
    profile.lock();
    tmp.remove();
  });

  it.each([1, BATCH - 1, BATCH, BATCH + 1, 2 * BATCH, 2 * BATCH + 1, 2 * BATCH + 50])('names entry %i, whichever batch it falls in', (k) => {
    const conn = profile.db.connection;
    expect(verifyAuditLog(profile.auditLog).ok).toBe(true);
    for (const change of ['UPDATE audit_log SET entry = replace(entry, \'"outcome":"ok"\', \'"outcome":"no"\') WHERE seq = ?', 'DELETE FROM audit_log WHERE seq = ?']) {
      conn.exec('BEGIN');
      try {
        unguard(conn);
        conn.prepare(change).run([k]);
        expect(verifyAuditLog(profile.auditLog).problem?.seq, change).toBe(k);
      } finally {
        conn.exec('ROLLBACK');
      }
    }
  });
});

describe('rollback: an older copy of the database restored', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir();
  });
  afterAll(() => tmp.remove());

  it('is detected against the checkpoint in keystore.json, recorded at unlock, and stays in the history', async () => {
    const dir = join(tmp.path, 'p');
    (await auditProfile(dir)).lock();
    copyFileSync(join(dir, 'profile.db'), join(tmp.path, 'backup.db'));
    const p = await unlockAgain(dir);
    for (let i = 0; i < 10; i++) p.audit.record(noteEvent(i)); // the entries someone wants gone
    p.lock();
    const newest = checkpointFromSlot(readKeystoreFile(join(dir, 'keystore.json')).auditCheckpoint!).body.seq;

    copyFileSync(join(tmp.path, 'backup.db'), join(dir, 'profile.db'));
    const warnings: string[] = [];
    const restored = await unlockAgain(dir, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/does not match its last signed checkpoint.*\(audit_rollback_detected\); this was recorded$/)]);
    const r = verifyAuditLog(restored.auditLog);
    expect(r.problem).toMatchObject({ code: 'audit_rollback_detected', kind: 'rollback' });
    expect(r.keystoreCheckpoint?.seq).toBe(newest);
    const alarm = entries(restored).find((e) => e.type === 'audit_verified');
    expect(alarm).toMatchObject({ outcome: 'failed', code: 'audit_rollback_detected', details: { scope: 'keystore_checkpoint' } });
    restored.lock();

    // The lock replaced the copy; the finding stays in the (signed, chained) history.
    const later = await unlockAgain(dir);
    expect(verifyAuditLog(later.auditLog).ok).toBe(true);
    expect(entries(later).filter((e) => e.type === 'audit_verified' && e.outcome === 'failed')).toHaveLength(1);
    later.lock();
  });

  it('reports a damaged or foreign checkpoint copy in keystore.json', async () => {
    const dir = join(tmp.path, 'q');
    (await auditProfile(dir)).lock();
    const ks = JSON.parse(readFileSync(join(dir, 'keystore.json'), 'utf8'));
    const cp = checkpointFromSlot(ks.auditCheckpoint);
    const foreign = signCheckpoint({ officerId: 'jdupont', ...keysOf(signKeyPair()) }, cp.body.seq, Buffer.from(cp.body.hash, 'base64url'), 'lock', Date.now());
    writeFileSync(join(dir, 'keystore.json'), JSON.stringify({ ...ks, auditCheckpoint: checkpointSlot(foreign) }));
    const p = await unlockAgain(dir);
    expect(verifyAuditLog(p.auditLog).problem).toMatchObject({ code: 'audit_checkpoint_invalid' });
    expect(entries(p).some((e) => e.type === 'audit_verified' && e.code === 'audit_checkpoint_invalid')).toBe(true);
    p.lock();
    writeFileSync(join(dir, 'keystore.json'), JSON.stringify({ ...ks, auditCheckpoint: { version: 1, data: Buffer.from('garbage').toString('base64') } }));
    const q = await unlockAgain(dir);
    expect(verifyAuditLog(q.auditLog).problem).toMatchObject({ code: 'audit_checkpoint_invalid' });
    q.lock();
  });
});

function keysOf(kp: { publicKey: Uint8Array; secretKey: Uint8Array }) {
  return { signPublic: kp.publicKey, signSecret: kp.secretKey };
}
