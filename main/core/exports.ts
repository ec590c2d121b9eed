import { existsSync, lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EntenteError } from '../../shared/errors';

/**
 * The one folder files are written to on the renderer's behalf: <userData>/exports/. The renderer
 * names a file at most, never a path: a name is letters, digits, ".", "_" and "-", so it cannot
 * climb out, and an existing file is never replaced.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function exportsDir(dataDir: string): string {
  const dir = join(dataDir, 'exports');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new EntenteError('file_unwritable', 'The exports folder could not be created.', { cause: err });
  }
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) throw new EntenteError('file_unwritable', 'The exports folder is not a folder of this user.');
  return dir;
}

/** A new file `name` (and, if given, its companion suffixes) in the exports folder. */
export function exportPath(dataDir: string, name: string, companions: readonly string[] = []): string {
  if (!NAME.test(name) || name.includes('..')) throw new EntenteError('invalid_input', 'The file name may hold only letters, digits, ".", "_" and "-".');
  const path = join(exportsDir(dataDir), name);
  for (const p of [path, ...companions.map((c) => `${path}${c}`)]) {
    let taken = existsSync(p);
    try {
      taken ||= lstatSync(p).isSymbolicLink();
    } catch {
      // absent
    }
    if (taken) throw new EntenteError('file_unwritable', `${name} already exists in the exports folder; choose another name.`);
  }
  return path;
}

/** A file name stamped with the time, e.g. audit-camille-20261123T170730Z.jsonl. */
export function stampedName(prefix: string, at: number, extension: string): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${prefix}-${stamp}${extension}`;
}
