import { readFileSync, statSync } from 'node:fs';
import { EntenteError } from '../shared/errors';

/** Inputs larger than this are refused before reading: no policy, label or clearance comes close. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** Reads a file the user named, or explains in one sentence why it cannot be read. */
export function readInputFile(path: string): Buffer {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new EntenteError('file_unreadable', `${path} is not a file`);
    if (stat.size > MAX_INPUT_BYTES) throw new EntenteError('file_unreadable', `${path} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`);
    return readFileSync(path);
  } catch (err) {
    if (err instanceof EntenteError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new EntenteError('file_unreadable', code === 'ENOENT' ? `${path} does not exist` : `${path} cannot be read (${code ?? 'error'})`);
  }
}
