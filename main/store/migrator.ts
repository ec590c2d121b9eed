import type Database from '@signalapp/sqlcipher';
import { EntenteError } from '../../shared/errors';

export interface Migration {
  /** 1, 2, 3… without gaps; the database records the last applied one in `PRAGMA user_version`. */
  readonly version: number;
  readonly name: string;
  /** Runs inside the upgrade's transaction; throw to abort the whole upgrade. */
  up(db: Database): void;
}

export interface MigrationReport {
  from: number;
  to: number;
  applied: number[];
}

/** Refuses a list that is not 1..n in order, so a merge mistake fails loudly instead of skipping a step. */
export function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order: position ${i + 1} holds version ${m.version} (${m.name})`);
  });
}

export function schemaVersion(db: Database): number {
  const v = db.pragma('user_version', { simple: true });
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new EntenteError('database_corrupt', 'The database reports an invalid schema version.');
  return v;
}

/**
 * Brings the database to the last version of `migrations`. All pending steps run in ONE transaction
 * together with the version bump: the app expects exactly its own schema, so a half-upgraded database
 * would be no more usable than the old one, and a failure must leave the file as it was.
 * A database from a newer app is refused before anything is written.
 */
export function runMigrations(db: Database, migrations: readonly Migration[]): MigrationReport {
  checkMigrationList(migrations);
  const latest = migrations.length;
  const from = schemaVersion(db);
  if (from > latest) {
    throw new EntenteError('database_newer', `The profile database has schema version ${from}; this version of Entente knows up to ${latest}. Update Entente.`);
  }
  const pending = migrations.slice(from);
  if (pending.length === 0) return { from, to: from, applied: [] };
  try {
    db.transaction(() => {
      for (const m of pending) m.up(db);
      // A migration that leaves dangling references must fail here, inside the transaction.
      const violations = db.prepare('PRAGMA foreign_key_check').all();
      if (violations.length > 0) throw new Error(`foreign key violations after migration: ${violations.length}`);
      // The version is an integer we computed, never user input, so interpolation is safe.
      db.exec(`PRAGMA user_version = ${latest}`);
    })();
  } catch (err) {
    if (err instanceof EntenteError) throw err;
    const failed = pending.map((m) => `${m.version} (${m.name})`).join(', ');
    throw new EntenteError('database_migration_failed', `The profile database could not be upgraded (migrations ${failed}); it was left unchanged.`, { cause: err });
  }
  return { from, to: latest, applied: pending.map((m) => m.version) };
}
