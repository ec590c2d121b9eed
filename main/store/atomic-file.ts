import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` with `data` so that a crash leaves either the old file or the new one, never a mix:
 * write a sibling temp file (created exclusively, with `mode`), fsync it, rename it over the target,
 * then fsync the folder so the rename itself survives a power loss.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o600): void {
  writeStreamAtomic(path, (write) => write(data), mode);
}

/** writeFileAtomic for content produced in pieces (an audit export can be far larger than one string). */
export function writeStreamAtomic(path: string, produce: (write: (data: Uint8Array | string) => void) => void, mode = 0o600): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx', mode);
    const f = fd;
    produce((data) => {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(f, bytes, off, bytes.length - off);
    });
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(dirname(path));
}

/** Makes a folder's entries (creations, renames) durable. Not supported on Windows, where it is a no-op. */
export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
