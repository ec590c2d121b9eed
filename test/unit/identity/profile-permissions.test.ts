import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, renameSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { openKeystore } from '../../../main/identity/keystore';
import { copyProfile, newProfile, passphrase, snapshot } from '../../helpers/profile';
import { tempDir } from '../../helpers/tmp';

const mode = (p: string) => statSync(p).mode & 0o777;

describe.runIf(process.platform !== 'win32')('profile permissions on unlock', () => {
  let tmp: ReturnType<typeof tempDir>;
  let pristine: string;
  let dir: string;
  let warnings: string[];
  let n = 0;

  beforeAll(async () => {
    tmp = tempDir();
    pristine = join(tmp.path, 'pristine');
    (await newProfile(pristine)).lock();
  });
  afterAll(() => tmp.remove());
  beforeEach(() => {
    dir = join(tmp.path, `case-${(n += 1)}`);
    copyProfile(pristine, dir);
    warnings = [];
  });

  const unlock = () => openKeystore(dir, { onWarning: (m) => warnings.push(m) }).unlock(passphrase());

  it('tightens files and the folder that others could only read, with a warning', async () => {
    chmodSync(join(dir, 'keystore.json'), 0o644);
    chmodSync(join(dir, 'profile.db'), 0o640);
    chmodSync(dir, 0o755);
    (await unlock()).lock();
    expect([mode(dir), mode(join(dir, 'keystore.json')), mode(join(dir, 'profile.db'))]).toEqual([0o700, 0o600, 0o600]);
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(/keystore\.json was readable by other users/);
  });

  it.each([
    ['keystore.json', 0o666],
    ['profile.db', 0o620],
    ['.', 0o777],
  ])('refuses when others can write %s, and changes nothing', async (name, m) => {
    const path = join(dir, name);
    chmodSync(path, m);
    const before = snapshot(dir);
    await expect(unlock()).rejects.toMatchObject({ code: 'profile_insecure', message: expect.stringMatching(/modified by other users.*chmod/) });
    expect(mode(path)).toBe(m);
    expect(snapshot(dir)).toEqual(before);
    chmodSync(path, name === '.' ? 0o700 : 0o600);
    (await unlock()).lock();
  });

  it('refuses a keystore.json that is a symbolic link', async () => {
    renameSync(join(dir, 'keystore.json'), join(tmp.path, `elsewhere-${n}.json`));
    symlinkSync(join(tmp.path, `elsewhere-${n}.json`), join(dir, 'keystore.json'));
    await expect(unlock()).rejects.toMatchObject({ code: 'profile_insecure', message: expect.stringMatching(/symbolic link/) });
  });
});
