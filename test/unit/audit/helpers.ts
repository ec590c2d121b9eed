import { join } from 'node:path';
import type Database from '@signalapp/sqlcipher';
import { parseEntry, type AuditEntry } from '../../../main/audit/entry';
import type { AuditEvent } from '../../../main/audit/sink';
import { sodiumReady } from '../../../main/crypto/sodium';
import { openKeystore, type KeystoreOptions } from '../../../main/identity/keystore';
import { createIdentity } from '../../../main/identity/officer';
import type { Profile } from '../../../main/identity/profile';
import { FakeClock, newProfile, passphrase } from '../../helpers/profile';

/** A profile with identity keys (so checkpoints are signed), on a clock the test controls. */
export async function auditProfile(dir: string, options: { checkpointEvery?: number; clock?: FakeClock } = {}): Promise<Profile> {
  await sodiumReady();
  const clock = options.clock ?? new FakeClock();
  const profile = await newProfile(dir, { clock, ...(options.checkpointEvery === undefined ? {} : { audit: { checkpointEvery: options.checkpointEvery } }) });
  createIdentity(profile, 'jdupont', 'Jeanne Dupont', clock.now());
  return profile;
}

export function unlockAgain(dir: string, options: KeystoreOptions = {}): Promise<Profile> {
  return openKeystore(dir, { onWarning: () => {}, ...options }).unlock(passphrase());
}

export function entries(profile: Profile): AuditEntry[] {
  return profile.db.connection
    .prepare('SELECT entry FROM audit_log ORDER BY seq', { pluck: true })
    .all()
    .map((t) => {
      const e = parseEntry(String(t));
      if (e === null) throw new Error(`not an entry: ${String(t)}`);
      return e;
    });
}

export const types = (profile: Profile): string[] => entries(profile).map((e) => e.type);

/**
 * What someone holding the database key could do: lift the append-only guards and rebuild the table
 * without its CHECK constraints and generated columns, so that any bytes at all can be written.
 * Run inside a transaction the test rolls back.
 */
export function unguard(conn: Database): void {
  conn.exec('DROP TRIGGER IF EXISTS audit_checkpoints_no_update');
  conn.exec('DROP TRIGGER IF EXISTS audit_checkpoints_no_delete');
  conn.exec('CREATE TABLE audit_bare (seq INTEGER PRIMARY KEY, entry TEXT, prev BLOB, hash BLOB)');
  conn.exec('INSERT INTO audit_bare SELECT seq, entry, prev, hash FROM audit_log');
  conn.exec('DROP TABLE audit_log');
  conn.exec('ALTER TABLE audit_bare RENAME TO audit_log');
}

/** A note-like event, as the messaging layer records it (label, note and channel ids, no content). */
export function noteEvent(i: number, classification = 2): AuditEvent {
  return {
    type: 'note_sealed',
    outcome: 'ok',
    actor: 'self',
    subjects: [`note-${i}`],
    channel: `ch-${i % 7}`,
    label: { policyId: '1.3.26.1.3.1', classification, categories: [{ tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 250 }] },
    details: { eligible: ['fr-dgsi/a', 'uk-demo/b'], withheld: ['uk-demo/c:recipient_not_cleared'] },
  };
}

export const path = (dir: string, ...parts: string[]) => join(dir, ...parts);
