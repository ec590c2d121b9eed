import { dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { EntenteError } from '../shared/errors';
import { writeFileAtomic } from '../main/store/atomic-file';

/**
 * Writes a file the user named with --out: atomically (a reader never sees half a credential) and
 * readable by others (0644), since everything written this way is public: cards, requests,
 * credentials, agreements, revocation lists.
 */
export function writeOutputFile(path: string, text: string): void {
  if (!existsSync(dirname(path))) throw new EntenteError('file_unwritable', `${dirname(path)} does not exist`);
  try {
    writeFileAtomic(path, text, 0o644);
  } catch (err) {
    throw new EntenteError('file_unwritable', `${path} cannot be written (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
}
