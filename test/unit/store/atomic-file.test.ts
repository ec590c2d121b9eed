import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../main/store/atomic-file';
import { tempDir } from '../../helpers/tmp';

describe('writeFileAtomic', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('replaces the content whole, with the requested mode, leaving no temp file', () => {
    const path = join(dir.path, 'f.json');
    writeFileSync(path, 'old');
    writeFileAtomic(path, 'new content');
    expect(readFileSync(path, 'utf8')).toBe('new content');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir.path)).toEqual(['f.json']);
  });

  it('on failure leaves the target as it was and removes its temp file', () => {
    const path = join(dir.path, 'taken');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'keep');
    expect(() => writeFileAtomic(path, 'x')).toThrow();
    expect(readdirSync(dir.path)).toEqual(['taken']);
    expect(readFileSync(join(path, 'inside'), 'utf8')).toBe('keep');
  });
});
