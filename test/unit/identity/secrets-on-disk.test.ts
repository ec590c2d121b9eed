import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveKey, sodiumReady } from '../../../main/crypto/sodium';
import { openKeystore } from '../../../main/identity/keystore';
import { unwrapKey } from '../../../main/identity/key-wrap';
import { readKeystoreFile } from '../../../main/identity/keystore-file';
import { setMeta } from '../../../main/store/meta';
import { TestKeyProtector } from '../../helpers/key-protector';
import { PASSPHRASE_TEXT, WRONG, newProfile, passphrase } from '../../helpers/profile';
import { tempDir } from '../../helpers/tmp';

/** Every spelling in which a secret could plausibly be written out by mistake. */
function encodings(label: string, bytes: Uint8Array): [string, Buffer][] {
  const b = Buffer.from(bytes);
  const b64 = b.toString('base64');
  return [
    [`${label} (raw)`, b],
    [`${label} (hex)`, Buffer.from(b.toString('hex'))],
    [`${label} (HEX)`, Buffer.from(b.toString('hex').toUpperCase())],
    [`${label} (base64)`, Buffer.from(b64.replace(/=+$/, ''))],
    [`${label} (base64url)`, Buffer.from(b.toString('base64url'))],
    // A prefix of the key is enough to convict: catches partial or differently padded writes.
    [`${label} (first 12 raw bytes)`, b.subarray(0, 12)],
  ];
}

function textEncodings(label: string, text: string): [string, Buffer][] {
  return [
    [`${label} (utf8)`, Buffer.from(text, 'utf8')],
    [`${label} (utf16le)`, Buffer.from(text, 'utf16le')],
    [`${label} (base64)`, Buffer.from(Buffer.from(text).toString('base64').replace(/=+$/, ''))],
    [`${label} (hex)`, Buffer.from(Buffer.from(text).toString('hex'))],
  ];
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('no key or passphrase on disk', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.remove());

  it('after create, unlock, a wrong attempt, a passphrase change and a second wrap, no file holds a secret', async () => {
    const dir = join(tmp.path, 'profile');
    const protector = new TestKeyProtector();
    const SECOND = 'a second passphrase, also secret';

    const created = await newProfile(dir);
    setMeta(created.db, 'sentinel', 'SENTINEL-a81c-plaintext');
    created.lock();
    const ks = openKeystore(dir, { protector });
    await expect(ks.unlock(WRONG())).rejects.toMatchObject({ code: 'passphrase_wrong' });
    const open = await ks.unlock(passphrase());
    setMeta(open.db, 'sentinel2', 'SENTINEL-a81c-second');
    await ks.changePassphrase(passphrase(), passphrase(SECOND));
    await ks.setProtector(passphrase(SECOND), protector);
    await expect(ks.unlock(WRONG())).rejects.toMatchObject({ code: 'passphrase_wrong' }); // leaves the counter file
    open.lock();

    // The real secrets, recovered the way an attacker holding the passphrase would.
    await sodiumReady();
    const file = readKeystoreFile(join(dir, 'keystore.json'));
    const unwrapped = await unwrapKey(file, passphrase(SECOND), protector);
    if (!unwrapped.ok) throw new Error('test setup: could not unwrap');
    const dbKey = unwrapped.key;
    const kek = await deriveKey(passphrase(SECOND), new Uint8Array(Buffer.from(file.kdf.salt, 'base64')), file.kdf);

    const needles = [
      ...encodings('database key', dbKey),
      ...encodings('key-encryption key', kek),
      ...textEncodings('first passphrase', PASSPHRASE_TEXT),
      ...textEncodings('second passphrase', SECOND),
      ...textEncodings('stored plaintext', 'SENTINEL-a81c'),
    ];

    const files = allFiles(tmp.path);
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(['keystore.json', 'profile.db', 'unlock-attempts.json']);
    for (const f of files) {
      const content = readFileSync(f);
      for (const [what, needle] of needles) expect(content.includes(needle), `${what} found in ${f}`).toBe(false);
    }
  });

  it('the search itself works: it finds the key once written to a file', async () => {
    const dir = join(tmp.path, 'p2');
    (await newProfile(dir)).lock();
    await sodiumReady();
    const unwrapped = await unwrapKey(readKeystoreFile(join(dir, 'keystore.json')), passphrase(), undefined);
    if (!unwrapped.ok) throw new Error('test setup: could not unwrap');
    const leaked = Buffer.concat([Buffer.from('prefix '), Buffer.from(Buffer.from(unwrapped.key).toString('hex').toUpperCase())]);
    const hits = encodings('database key', unwrapped.key).filter(([, needle]) => leaked.includes(needle));
    expect(hits.map(([what]) => what)).toEqual(['database key (HEX)']);
  });
});
