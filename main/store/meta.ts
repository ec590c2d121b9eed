import type { EncryptedDatabase } from './database';

/** The `meta` table (migration 1): small named values about the profile itself, never secrets of others. */
export function getMeta(db: EncryptedDatabase, key: string): string | null {
  const v = db.connection.prepare('SELECT value FROM meta WHERE key = ?', { pluck: true }).get([key]);
  return typeof v === 'string' ? v : null;
}

export function setMeta(db: EncryptedDatabase, key: string, value: string): void {
  db.connection
    .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
    .run([key, value]);
}
