import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEncryptedDatabase } from '../../../main/store/database';
import { MIGRATIONS } from '../../../main/store/migrations';
import { checkMigrationList, type Migration } from '../../../main/store/migrator';
import { EntenteError } from '../../../shared/errors';
import { tempDir } from '../../helpers/tmp';

describe('migrations', () => {
  let dir: ReturnType<typeof tempDir>;
  let path: string;
  let key: Uint8Array;
  let log: string[];

  beforeEach(() => {
    dir = tempDir();
    path = join(dir.path, 'm.db');
    key = new Uint8Array(randomBytes(32));
    log = [];
  });
  afterEach(() => dir.remove());

  const step = (version: number, sql: string): Migration => ({
    version,
    name: `step ${version}`,
    up(db) {
      log.push(`up ${version}`);
      db.exec(sql);
    },
  });
  const three = () => [
    step(1, 'CREATE TABLE a (id INTEGER PRIMARY KEY)'),
    step(2, 'CREATE TABLE b (id INTEGER PRIMARY KEY, a INTEGER NOT NULL REFERENCES a(id))'),
    step(3, 'ALTER TABLE b ADD COLUMN note TEXT'),
  ];
  const tables = (db: ReturnType<typeof openEncryptedDatabase>) =>
    db.connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", { pluck: true }).all();

  function errorOf(fn: () => unknown): EntenteError {
    try {
      fn();
    } catch (err) {
      if (err instanceof EntenteError) return err;
      throw err;
    }
    throw new Error('expected an EntenteError');
  }

  it('the shipped list starts with the meta table and is numbered 1..n', () => {
    expect(MIGRATIONS[0]?.version).toBe(1);
    expect(() => checkMigrationList(MIGRATIONS)).not.toThrow();
  });

  it('runs each migration once, in order, and records the version', () => {
    const db = openEncryptedDatabase(path, key, { mode: 'create', migrations: three().slice(0, 2) });
    expect(log).toEqual(['up 1', 'up 2']);
    expect(db.schemaVersion).toBe(2);
    db.close();

    const upgraded = openEncryptedDatabase(path, key, { mode: 'existing', migrations: three() });
    expect(log).toEqual(['up 1', 'up 2', 'up 3']);
    expect(upgraded.migration).toEqual({ from: 2, to: 3, applied: [3] });
    expect(tables(upgraded)).toEqual(['a', 'b']);
    upgraded.close();

    const again = openEncryptedDatabase(path, key, { mode: 'existing', migrations: three() });
    expect(log).toHaveLength(3);
    expect(again.migration.applied).toEqual([]);
    again.close();
  });

  it('is transactional: a failing migration leaves the version, the schema and the file unchanged', () => {
    openEncryptedDatabase(path, key, { mode: 'create', migrations: three().slice(0, 1) }).close();
    const before = readFileSync(path);
    const failing = [...three().slice(0, 2), step(3, 'CREATE TABLE c (x); THIS IS NOT SQL')];
    const err = errorOf(() => openEncryptedDatabase(path, key, { mode: 'existing', migrations: failing }));
    expect(err.code).toBe('database_migration_failed');
    expect(err.message).toMatch(/2 \(step 2\), 3 \(step 3\)/);
    expect(log).toEqual(['up 1', 'up 2', 'up 3']);
    expect(readFileSync(path).equals(before)).toBe(true);

    const db = openEncryptedDatabase(path, key, { mode: 'existing', migrations: three().slice(0, 1) });
    expect(db.schemaVersion).toBe(1);
    expect(tables(db)).toEqual(['a']);
    db.close();
  });

  it('rolls back a migration that leaves dangling foreign keys', () => {
    openEncryptedDatabase(path, key, { mode: 'create', migrations: three().slice(0, 1) }).close();
    const dangling = [...three().slice(0, 2), step(3, 'PRAGMA defer_foreign_keys = ON; INSERT INTO b (id, a) VALUES (1, 99)')];
    expect(errorOf(() => openEncryptedDatabase(path, key, { mode: 'existing', migrations: dangling })).code).toBe('database_migration_failed');
    const db = openEncryptedDatabase(path, key, { mode: 'existing', migrations: three().slice(0, 1) });
    expect(db.schemaVersion).toBe(1);
    db.close();
  });

  it('refuses a database from a newer version without writing to it', () => {
    openEncryptedDatabase(path, key, { mode: 'create', migrations: three() }).close();
    const before = readFileSync(path);
    const err = errorOf(() => openEncryptedDatabase(path, key, { mode: 'existing', migrations: three().slice(0, 2) }));
    expect(err.code).toBe('database_newer');
    expect(err.message).toMatch(/version 3.*up to 2/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(log).toEqual(['up 1', 'up 2', 'up 3']);
  });

  it('refuses a list with gaps, duplicates or disorder', () => {
    const [a, b, c] = three() as [Migration, Migration, Migration];
    expect(() => checkMigrationList([a, c])).toThrow(/position 2 holds version 3/);
    expect(() => checkMigrationList([a, a])).toThrow(/out of order/);
    expect(() => checkMigrationList([b, a])).toThrow(/out of order/);
    expect(() => openEncryptedDatabase(path, key, { mode: 'create', migrations: [a, c] })).toThrow();
  });
});
