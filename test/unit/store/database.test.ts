import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from '@signalapp/sqlcipher';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from '../../../main/store/migrations';
import { openEncryptedDatabase, type EncryptedDatabase } from '../../../main/store/database';
import { getMeta, setMeta } from '../../../main/store/meta';
import { EntenteError } from '../../../shared/errors';
import { tempDir } from '../../helpers/tmp';

const SENTINEL = 'SENTINEL-7f3a9c-plaintext-must-not-reach-disk';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof EntenteError) return err.code;
    throw err;
  }
  throw new Error('expected an EntenteError');
}

describe('openEncryptedDatabase', () => {
  let dir: ReturnType<typeof tempDir>;
  let path: string;
  let key: Uint8Array;
  const open: EncryptedDatabase[] = [];
  const track = (db: EncryptedDatabase) => (open.push(db), db);

  beforeEach(() => {
    dir = tempDir();
    path = join(dir.path, 'profile.db');
    key = new Uint8Array(randomBytes(32));
  });
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
    dir.remove();
  });

  /** A closed database file holding the sentinel, several pages long. */
  function populated(): Buffer {
    const db = openEncryptedDatabase(path, key, { mode: 'create' });
    setMeta(db, 'sentinel', SENTINEL);
    db.connection.exec('CREATE TABLE filler (x TEXT)');
    const insert = db.connection.prepare('INSERT INTO filler VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 100; i++) insert.run([`${SENTINEL}-${i}-${'x'.repeat(200)}`]);
    });
    db.close();
    return readFileSync(path);
  }

  it('creates a 0600 database at the latest schema and reopens it with the same key', () => {
    const db = track(openEncryptedDatabase(path, key, { mode: 'create' }));
    const latest = MIGRATIONS.length; // later features append migrations
    expect(db.migration).toEqual({ from: 0, to: latest, applied: MIGRATIONS.map((m) => m.version) });
    expect(db.schemaVersion).toBe(latest);
    setMeta(db, 'greeting', 'bonjour');
    db.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const again = track(openEncryptedDatabase(path, key, { mode: 'existing' }));
    expect(again.migration.applied).toEqual([]);
    expect(getMeta(again, 'greeting')).toBe('bonjour');
    expect(getMeta(again, 'absent')).toBeNull();
  });

  it('sets the durability and hygiene pragmas', () => {
    const db = track(openEncryptedDatabase(path, key, { mode: 'create' }));
    const pragma = (name: string) => db.connection.pragma(name, { simple: true });
    expect(pragma('journal_mode')).toBe('delete');
    expect(pragma('synchronous')).toBe(2); // FULL
    expect(pragma('foreign_keys')).toBe(1);
    expect(pragma('secure_delete')).toBe(1);
    expect(pragma('temp_store')).toBe(2); // MEMORY
    expect(pragma('cipher_version')).toMatch(/^4\./);
  });

  it('writes a file that plain SQLite cannot read and that does not contain the stored text', () => {
    const bytes = populated();
    expect(bytes.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    expect(bytes.includes(Buffer.from(SENTINEL))).toBe(false);
    expect(bytes.includes(Buffer.from('meta'))).toBe(false);
    // An unkeyed connection sees no database at all.
    const plain = new Database(path);
    try {
      expect(() => plain.prepare('SELECT count(*) FROM sqlite_master').get()).toThrow(/NOTADB|not a database/);
    } finally {
      plain.close();
    }
    const db = track(openEncryptedDatabase(path, key, { mode: 'existing' }));
    expect(getMeta(db, 'sentinel')).toBe(SENTINEL);
  });

  it('rejects a wrong key with a typed error and leaves the file as it was', () => {
    const before = populated();
    const wrong = new Uint8Array(randomBytes(32));
    expect(codeOf(() => openEncryptedDatabase(path, wrong, { mode: 'existing' }))).toBe('database_key_rejected');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it.each([
    ['cut at a page boundary', (b: Buffer) => b.subarray(0, b.length - 4096), 'database_corrupt'],
    ['cut mid-page', (b: Buffer) => b.subarray(0, b.length - 100), 'database_corrupt'],
    ['cut to 100 bytes', (b: Buffer) => b.subarray(0, 100), 'database_key_rejected'],
    ['emptied', () => Buffer.alloc(0), 'database_corrupt'],
    ['random garbage', (b: Buffer) => randomBytes(b.length), 'database_key_rejected'],
    ['a plain SQLite file', () => null, 'database_key_rejected'],
  ])('refuses a database %s and does not touch it', (_what, damage, code) => {
    const original = populated();
    const damaged = damage(original);
    if (damaged === null) {
      writeFileSync(path, '');
      const plain = new Database(path);
      plain.exec('CREATE TABLE t (x)');
      plain.close();
    } else {
      writeFileSync(path, damaged);
    }
    const before = readFileSync(path);
    expect(codeOf(() => openEncryptedDatabase(path, key, { mode: 'existing' }))).toBe(code);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}-journal`)).toBe(false);
  });

  it('refuses a missing file in existing mode without creating one', () => {
    expect(codeOf(() => openEncryptedDatabase(path, key, { mode: 'existing' }))).toBe('database_missing');
    expect(existsSync(path)).toBe(false);
  });

  it('refuses to create over an existing file and leaves it alone', () => {
    writeFileSync(path, 'precious');
    expect(codeOf(() => openEncryptedDatabase(path, key, { mode: 'create' }))).toBe('keystore_exists');
    expect(readFileSync(path, 'utf8')).toBe('precious');
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => openEncryptedDatabase(path, new Uint8Array(16), { mode: 'create' })).toThrow(/32 bytes/);
    expect(existsSync(path)).toBe(false);
  });

  it('is unusable once closed, through every path', () => {
    const db = openEncryptedDatabase(path, key, { mode: 'create' });
    const conn = db.connection;
    const stmt = conn.prepare('SELECT count(*) FROM meta', { pluck: true });
    db.close();
    db.close(); // idempotent
    expect(db.isOpen).toBe(false);
    expect(codeOf(() => db.connection)).toBe('profile_locked');
    expect(codeOf(() => db.transaction(() => 1))).toBe('profile_locked');
    expect(codeOf(() => getMeta(db, 'x'))).toBe('profile_locked');
    expect(() => conn.exec('SELECT 1')).toThrow(/closed/);
    expect(() => stmt.get()).toThrow(/closed/);
  });

  it('enforces foreign keys', () => {
    const db = track(openEncryptedDatabase(path, key, { mode: 'create' }));
    db.connection.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (p INTEGER REFERENCES parent(id))');
    expect(() => db.connection.exec('INSERT INTO child VALUES (42)')).toThrow(/FOREIGN KEY/);
  });

  it('reports no integrity problems on a sound file and finds a flipped byte deep inside', () => {
    const original = populated();
    const db = track(openEncryptedDatabase(path, key, { mode: 'existing' }));
    expect(db.integrityProblems()).toEqual([]);
    db.close();
    const flipped = Buffer.from(original);
    flipped[flipped.length - 2000] = (flipped[flipped.length - 2000] ?? 0) ^ 0x01;
    writeFileSync(path, flipped);
    // The header and schema are intact, so it opens; the damaged page is caught on read or by the check.
    const reopened = track(openEncryptedDatabase(path, key, { mode: 'existing' }));
    expect(reopened.integrityProblems().join(' ')).toMatch(/HMAC|page/i);
  });

  it('removes the file it created when creation fails', () => {
    const failing = [{ version: 1, name: 'boom', up: () => { throw new Error('boom'); } }];
    expect(codeOf(() => openEncryptedDatabase(path, key, { mode: 'create', migrations: failing }))).toBe('database_migration_failed');
    expect(existsSync(path)).toBe(false);
  });
});
