import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeStorageProtector, type SafeStorageLike } from '../../../main/app/safe-storage-protector';
import { createProfile, openKeystore } from '../../../main/identity/keystore';
import { passphraseBytes } from '../../../main/identity/passphrase';
import { tempDir } from '../../helpers/tmp';

/** Behaves like safeStorage on Linux/macOS: AES-CBC under a per-machine key, unauthenticated. */
function fakeSafeStorage(backend = 'gnome_libsecret', key = randomBytes(32)): SafeStorageLike {
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString(plain) {
      const iv = randomBytes(16);
      const c = createCipheriv('aes-256-cbc', key, iv);
      return Buffer.concat([iv, c.update(plain, 'utf8'), c.final()]);
    },
    decryptString(blob) {
      const d = createDecipheriv('aes-256-cbc', key, blob.subarray(0, 16));
      return Buffer.concat([d.update(blob.subarray(16)), d.final()]).toString('utf8');
    },
  };
}

describe('safeStorage key protector', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('is not offered where it would protect nothing', () => {
    expect(safeStorageProtector({ ...fakeSafeStorage(), isEncryptionAvailable: () => false }, 'linux')).toBeNull();
    expect(safeStorageProtector(fakeSafeStorage('basic_text'), 'linux')).toBeNull();
    expect(safeStorageProtector(fakeSafeStorage('basic_text'), 'darwin')).not.toBeNull();
  });

  it('round-trips data and refuses another machine, damage and foreign plaintext', async () => {
    const storage = fakeSafeStorage();
    const protector = safeStorageProtector(storage, 'linux')!;
    const data = randomBytes(72);
    const blob = await protector.protect(data);
    expect(Buffer.from(await protector.unprotect(blob) ?? [])).toEqual(data);
    expect(Buffer.from(blob).includes(data.subarray(0, 16))).toBe(false);

    const elsewhere = safeStorageProtector(fakeSafeStorage(), 'linux')!;
    expect(await elsewhere.unprotect(blob)).toBeNull();
    const damaged = Uint8Array.from(blob);
    damaged[20] = (damaged[20] ?? 0) ^ 0x01;
    expect(await protector.unprotect(damaged)).toBeNull();
    expect(await protector.unprotect(new Uint8Array(storage.encryptString('not ours')))).toBeNull();
    expect(await protector.unprotect(new Uint8Array(storage.encryptString(`entente-safestorage-v1:${data.toString('base64')}:AAAA`)))).toBeNull();
  });

  it('wraps a real profile key: the profile opens here and the keystore names the protector', async () => {
    const protector = safeStorageProtector(fakeSafeStorage(), 'linux')!;
    const profileDir = join(dir.path, 'p');
    const created = await createProfile(profileDir, passphraseBytes('correct horse battery'), { kdf: 'INTERACTIVE', protector });
    created.lock();
    expect(readFileSync(join(profileDir, 'keystore.json'), 'utf8')).toContain('electron-safestorage');
    const profile = await openKeystore(profileDir, { protector }).unlock(passphraseBytes('correct horse battery'));
    expect(profile.isLocked).toBe(false);
    profile.lock();
    const stranger = safeStorageProtector(fakeSafeStorage(), 'linux')!;
    await expect(openKeystore(profileDir, { protector: stranger }).unlock(passphraseBytes('correct horse battery'))).rejects.toThrow();
  });
});
