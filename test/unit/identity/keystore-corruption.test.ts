import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openKeystore } from '../../../main/identity/keystore';
import { EntenteError } from '../../../shared/errors';
import { copyProfile, newProfile, passphrase, snapshot } from '../../helpers/profile';
import { tempDir } from '../../helpers/tmp';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
/** Free-form JSON (JSON.parse's own type): the tests below deliberately break the schema. */
type Json = ReturnType<typeof readJson>;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Every damage to keystore.json or profile.db must end in a coded error, with the right passphrase,
 * and leave both files byte-identical (they may be restorable; Entente must not make things worse).
 */
describe('damaged profiles', () => {
  let tmp: ReturnType<typeof tempDir>;
  let pristine: string;
  let dir: string;
  let n = 0;

  beforeAll(async () => {
    tmp = tempDir();
    pristine = join(tmp.path, 'pristine');
    const p = await newProfile(pristine);
    p.db.connection.exec('CREATE TABLE filler (x TEXT)');
    const insert = p.db.connection.prepare('INSERT INTO filler VALUES (?)');
    p.db.transaction(() => {
      for (let i = 0; i < 50; i++) insert.run(['y'.repeat(300)]);
    });
    p.lock();
  });
  afterAll(() => tmp.remove());
  beforeEach(() => {
    dir = join(tmp.path, `case-${(n += 1)}`);
    copyProfile(pristine, dir);
  });

  const keystorePath = () => join(dir, 'keystore.json');
  const dbPath = () => join(dir, 'profile.db');
  const keystoreJson = (): Json => readJson(keystorePath());

  async function expectRefused(code: string, message?: RegExp): Promise<void> {
    const before = snapshot(dir);
    let caught: unknown = null;
    try {
      (await openKeystore(dir).unlock(passphrase())).lock();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EntenteError);
    expect((caught as EntenteError).code).toBe(code);
    if (message) expect((caught as EntenteError).message).toMatch(message);
    const after = snapshot(dir);
    for (const f of ['/keystore.json', '/profile.db']) expect(after.get(f), f).toBe(before.get(f));
    expect([...after.keys()].filter((k) => k.endsWith('-journal') || k.endsWith('.tmp'))).toEqual([]);
  }

  it('the pristine copy opens (the cases below are not failing for another reason)', async () => {
    (await openKeystore(dir).unlock(passphrase())).lock();
  });

  describe('keystore.json', () => {
    it.each([
      ['truncated to half', (b: Buffer) => b.subarray(0, b.length >> 1)],
      ['truncated to nothing', () => Buffer.alloc(0)],
      ['random garbage', () => randomBytes(700)],
      ['invalid UTF-8', () => Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
      ['a JSON array', () => Buffer.from('[]')],
      ['JSON null', () => Buffer.from('null')],
    ])('%s → keystore_corrupt', async (_what, damage) => {
      writeFileSync(keystorePath(), damage(readFileSync(keystorePath())));
      await expectRefused('keystore_corrupt');
    });

    it('oversized (over 64 KiB) → keystore_corrupt without reading it', async () => {
      const k = keystoreJson();
      writeFileSync(keystorePath(), JSON.stringify(k) + ' '.repeat(70 * 1024));
      await expectRefused('keystore_corrupt', /larger/);
    });

    it.each([
      ['an unknown field', (k: Json) => ({ ...k, extra: 1 })],
      ['a missing salt', (k: Json) => ({ ...k, kdf: { ...k.kdf, salt: undefined } })],
      ['a short salt', (k: Json) => ({ ...k, kdf: { ...k.kdf, salt: 'AAAA' } })],
      ['unpadded base64', (k: Json) => ({ ...k, kdf: { ...k.kdf, salt: k.kdf.salt.replace(/=*$/, '') } })],
      ['base64 with non-zero padding bits', (k: Json) => ({ ...k, kdf: { ...k.kdf, salt: k.kdf.salt.replace(/.(?===$)/, (c: string) => B64[B64.indexOf(c) + 1]) } })],
      ['Argon2i instead of Argon2id', (k: Json) => ({ ...k, kdf: { ...k.kdf, alg: 'argon2i13' } })],
      ['an absurd memlimit (DoS)', (k: Json) => ({ ...k, kdf: { ...k.kdf, memlimit: 64 * 1024 ** 3 } })],
      ['a weakened opslimit', (k: Json) => ({ ...k, kdf: { ...k.kdf, opslimit: 1 } })],
      ['both wrap forms at once', (k: Json) => ({ ...k, wrap: { ...k.wrap, protectedBy: 'x', protectedCiphertext: 'AAAA' } })],
      ['a wrong format name', (k: Json) => ({ ...k, format: 'something-else' })],
    ])('%s → keystore_corrupt', async (_what, mutate) => {
      writeFileSync(keystorePath(), JSON.stringify(mutate(keystoreJson())));
      await expectRefused('keystore_corrupt');
    });

    it('a newer format version → keystore_newer, not "corrupt"', async () => {
      writeFileSync(keystorePath(), JSON.stringify({ ...keystoreJson(), version: 2, somethingNew: true }));
      await expectRefused('keystore_newer', /version 2/);
    });

    it.each([
      ['the ciphertext', 'wrap', 'ciphertext'],
      ['the nonce', 'wrap', 'nonce'],
      ['the salt', 'kdf', 'salt'],
    ])('a flipped bit in %s reads as a wrong passphrase (authenticated, nothing decrypted)', async (_what, section, field) => {
      const k = keystoreJson();
      const bytes = Buffer.from(k[section][field], 'base64');
      bytes[3] = (bytes[3] ?? 0) ^ 0x01;
      k[section][field] = bytes.toString('base64');
      writeFileSync(keystorePath(), JSON.stringify(k));
      await expectRefused('passphrase_wrong');
    });

    it('raised KDF parameters (bound into the wrap) read as a wrong passphrase', async () => {
      const k = keystoreJson();
      k.kdf.opslimit = 3;
      writeFileSync(keystorePath(), JSON.stringify(k));
      await expectRefused('passphrase_wrong');
    });

    it('a missing keystore.json → keystore_missing, the database untouched', async () => {
      rmSync(keystorePath());
      const db = readFileSync(dbPath());
      await expect(openKeystore(dir).unlock(passphrase())).rejects.toMatchObject({ code: 'keystore_missing' });
      expect(readFileSync(dbPath()).equals(db)).toBe(true);
    });
  });

  describe('profile.db', () => {
    it.each([
      ['truncated by one page', (b: Buffer) => b.subarray(0, b.length - 4096)],
      ['truncated mid-page', (b: Buffer) => b.subarray(0, b.length - 1000)],
      ['truncated to its first bytes', (b: Buffer) => b.subarray(0, 64)],
      ['random garbage', (b: Buffer) => randomBytes(b.length)],
      ['another profile\'s database', () => null],
    ])('%s → database_corrupt', async (_what, damage) => {
      const damaged = damage(readFileSync(dbPath()));
      if (damaged === null) {
        const other = join(tmp.path, `other-${n}`);
        (await newProfile(other)).lock();
        writeFileSync(dbPath(), readFileSync(join(other, 'profile.db')));
      } else {
        writeFileSync(dbPath(), damaged);
      }
      await expectRefused('database_corrupt');
    });

    it('emptied → database_corrupt, and it is not silently re-created as a new database', async () => {
      truncateSync(dbPath(), 0);
      await expectRefused('database_corrupt', /empty/);
      expect(readFileSync(dbPath())).toHaveLength(0);
    });

    it('missing → database_missing, and no new database appears', async () => {
      rmSync(dbPath());
      await expect(openKeystore(dir).unlock(passphrase())).rejects.toMatchObject({ code: 'database_missing' });
      expect(snapshot(dir).has('/profile.db')).toBe(false);
    });
  });
});
