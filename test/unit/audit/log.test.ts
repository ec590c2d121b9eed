import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { exportAuditLog } from '../../../main/audit/export';
import { join } from 'node:path';
import { blake2b } from '../../../main/crypto/sodium';
import { GENESIS_HASH } from '../../../main/audit/chain';
import { checkpointFromSlot, checkpointSignedBy, decodeCheckpoint } from '../../../main/audit/checkpoint';
import { readKeystoreFile } from '../../../main/identity/keystore-file';
import { loadIdentity } from '../../../main/identity/officer';
import { EntenteError } from '../../../shared/errors';
import { FakeClock, newProfile } from '../../helpers/profile';
import { tempDir } from '../../helpers/tmp';
import { auditProfile, entries, noteEvent, types, unlockAgain } from './helpers';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof EntenteError) return err.code;
    throw err;
  }
  return 'ok';
}

describe('audit log', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dir: string;
  beforeEach(() => {
    tmp = tempDir();
    dir = join(tmp.path, 'p');
  });
  afterEach(() => tmp.remove());

  it('numbers entries from 1 without gaps and chains them as docs/AUDIT.md says', async () => {
    const clock = new FakeClock(Date.parse('2026-05-01T08:00:00.000Z'));
    const profile = await auditProfile(dir, { clock });
    clock.advance(1234);
    profile.audit.record(noteEvent(1));
    const rows = profile.db.connection.prepare('SELECT seq, CAST(entry AS BLOB) AS entry, prev, hash FROM audit_log ORDER BY seq').all();
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(types(profile)).toEqual(['profile_created', 'identity_created', 'note_sealed']);
    // An independent recomputation: BLAKE2b-256("entente/v1/audit" || 0x00 || prev || canonical bytes).
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const input = Buffer.concat([Buffer.from('entente/v1/audit\0'), Buffer.from(prev), Buffer.from(r.entry as Uint8Array)]);
      expect(Buffer.from(r.prev as Uint8Array).equals(Buffer.from(prev))).toBe(true);
      expect(Buffer.from(r.hash as Uint8Array).equals(Buffer.from(blake2b(new Uint8Array(input))))).toBe(true);
      prev = r.hash as Uint8Array;
    }
    const last = entries(profile)[2];
    expect(last).toMatchObject({ v: 1, seq: 3, time: '2026-05-01T08:00:01.234Z', type: 'note_sealed', channel: 'ch-1' });
    // Canonical: sorted keys, no spaces.
    const text = Buffer.from(rows[2]?.entry as Uint8Array).toString();
    expect(text.startsWith('{"actor":"self","channel":"ch-1","details":')).toBe(true);
    profile.lock();
  });

  it('signs a checkpoint every N entries, on lock, and keeps the latest in keystore.json', async () => {
    const profile = await auditProfile(dir, { checkpointEvery: 5 });
    for (let i = 0; i < 9; i++) profile.audit.record(noteEvent(i));
    await Promise.resolve(); // the keystore copy is made once the appending transaction has settled
    const me = loadIdentity(profile);
    const cps = profile.db.connection.prepare('SELECT checkpoint FROM audit_checkpoints ORDER BY seq', { pluck: true }).all().map((t) => decodeCheckpoint(String(t)));
    expect(cps.map((c) => [c?.body.seq, c?.body.reason])).toEqual([[5, 'interval'], [10, 'interval']]);
    for (const c of cps) expect(c !== null && checkpointSignedBy(c, me.signPublic)).toBe(true);
    expect(checkpointFromSlot(readKeystoreFile(join(dir, 'keystore.json')).auditCheckpoint!).body.seq).toBe(10);
    profile.lock();
    const slot = readKeystoreFile(join(dir, 'keystore.json')).auditCheckpoint!;
    const atLock = checkpointFromSlot(slot);
    expect([atLock.body.seq, atLock.body.reason, atLock.body.officer]).toEqual([12, 'lock', 'jdupont']);
    expect(checkpointSignedBy(atLock, me.signPublic)).toBe(true);
    expect(me.signSecret.every((b) => b === 0)).toBe(true); // the signing key was wiped with the lock
    const again = await unlockAgain(dir);
    expect(types(again).slice(-3)).toEqual(['note_sealed', 'locked', 'unlock_succeeded']);
    again.lock();
  });

  it('commits an event with the caller\'s transaction, and rolls it back with it', async () => {
    const profile = await auditProfile(dir, { checkpointEvery: 3 });
    expect(() =>
      profile.db.transaction(() => {
        profile.audit.record(noteEvent(1)); // seq 3: an interval checkpoint, rolled back too
        throw new Error('the change failed');
      }),
    ).toThrow('the change failed');
    await Promise.resolve();
    expect(types(profile)).toEqual(['profile_created', 'identity_created']);
    expect(profile.db.connection.prepare('SELECT count(*) FROM audit_checkpoints', { pluck: true }).get()).toBe(0);
    expect(readKeystoreFile(join(dir, 'keystore.json')).auditCheckpoint).toBeUndefined();
    profile.db.transaction(() => profile.audit.record(noteEvent(2)));
    expect(entries(profile).map((e) => e.seq)).toEqual([1, 2, 3]);
    profile.lock();
  });

  it.each([
    ['an unknown type', { type: 'note_read_aloud', outcome: 'ok' }],
    ['an unknown outcome', { type: 'locked', outcome: 'maybe' }],
    ['a control character (a line break) in a detail', { type: 'search_run', outcome: 'ok', details: { query: 'a\nb' } }],
    ['a detail longer than 1024 characters', { type: 'search_run', outcome: 'ok', details: { x: 'y'.repeat(1025) } }],
    ['a fractional number', { type: 'search_run', outcome: 'ok', details: { ms: 1.5 } }],
    ['a nested object', { type: 'search_run', outcome: 'ok', details: { x: { y: 1 } } }],
    ['a bad detail name', { type: 'search_run', outcome: 'ok', details: { 'a b': 1 } }],
    ['an extra field', { type: 'locked', outcome: 'ok', text: 'hello' }],
    ['a malformed label', { type: 'note_displayed', outcome: 'ok', label: { policyId: 'nato', classification: 1, categories: [] } }],
  ])('refuses %s with audit_write_failed and writes nothing', async (_what, event) => {
    const profile = await auditProfile(dir);
    const before = entries(profile).length;
    expect(codeOf(() => profile.audit.record(event as never))).toBe('audit_write_failed');
    expect(entries(profile).length).toBe(before);
    profile.lock();
  });

  it('an event that cannot be recorded stops the change it reports', async () => {
    const profile = await auditProfile(dir);
    const conn = profile.db.connection;
    expect(
      codeOf(() =>
        profile.db.transaction(() => {
          conn.prepare("INSERT INTO meta (key, value) VALUES ('x', 'y')").run();
          profile.audit.record({ type: 'search_run', outcome: 'ok', details: { bad: 'a\u0000b' } });
        }),
      ),
    ).toBe('audit_write_failed');
    expect(conn.prepare("SELECT count(*) FROM meta WHERE key = 'x'", { pluck: true }).get()).toBe(0);
    profile.lock();
  });

  it('is append-only for the app: UPDATE and DELETE are refused by the database', async () => {
    const profile = await auditProfile(dir);
    const conn = profile.db.connection;
    expect(() => conn.prepare("UPDATE audit_log SET entry = '{}' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => conn.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
    profile.lock();
    const again = await unlockAgain(dir);
    expect(() => again.db.connection.prepare('DELETE FROM audit_checkpoints').run()).toThrow(/append-only/);
    expect(() => again.db.connection.prepare("INSERT INTO audit_log (seq, entry, prev, hash) VALUES (99, '{\"seq\":98}', zeroblob(32), zeroblob(32))").run()).toThrow(/CHECK/);
    again.lock();
  });

  it('refuses to record once the profile is locked', async () => {
    const profile = await auditProfile(dir);
    profile.lock();
    expect(codeOf(() => profile.audit.record({ type: 'search_run', outcome: 'ok' }))).toBe('profile_locked');
  });

  it('records a damaged wrong-passphrase counter at the next unlock, then clears it', async () => {
    const clock = new FakeClock(Date.now() + 3_600_000); // past the maximum delay a damaged counter imposes
    (await auditProfile(dir, { clock })).lock();
    writeFileSync(join(dir, 'unlock-attempts.json'), 'not a counter', { mode: 0o600 });
    const again = await unlockAgain(dir, { clock });
    expect(entries(again).find((e) => e.type === 'unlock_failed')).toMatchObject({ outcome: 'refused', code: 'passphrase_wrong', details: { counterDamaged: true } });
    again.lock();
    expect(existsSync(join(dir, 'unlock-attempts.json'))).toBe(false);
  });

  it('writes no checkpoint before the identity exists, refuses to export, and the profile still locks', async () => {
    const bare = await newProfile(dir);
    expect(codeOf(() => exportAuditLog(bare.auditLog, join(tmp.path, 'a.jsonl')))).toBe('identity_missing');
    expect(existsSync(join(tmp.path, 'a.jsonl'))).toBe(false);
    bare.lock();
    expect(readKeystoreFile(join(dir, 'keystore.json')).auditCheckpoint).toBeUndefined();
    const again = await unlockAgain(dir);
    expect(types(again)).toEqual(['profile_created', 'locked', 'unlock_succeeded']);
    again.lock();
    expect(readFileSync(join(dir, 'keystore.json'), 'utf8')).not.toContain('auditCheckpoint');
  });
});
