/** The SQLite result code name (`SQLITE_NOTADB`, …) the binding attaches to its errors, if any. */
export function sqliteCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null || !('code' in err)) return null;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}
