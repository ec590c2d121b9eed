import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openKeystore } from '../../../main/identity/keystore';
import { EntenteError } from '../../../shared/errors';
import { TestKeyProtector } from '../../helpers/key-protector';
import { WRONG, copyProfile, newProfile, passphrase, snapshot } from '../../helpers/profile';
import { tempDir } from '../../helpers/tmp';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    (await p as { lock?: () => void } | undefined)?.lock?.();
  } catch (err) {
    if (err instanceof EntenteError) return err.code;
    throw err;
  }
  return 'ok';
}

describe('second wrap (KeyProtector)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let protectedPristine: string;
  let plainPristine: string;
  let dir: string;
  let protector: TestKeyProtector;
  let n = 0;

  beforeAll(async () => {
    tmp = tempDir();
    protector = new TestKeyProtector();
    protectedPristine = join(tmp.path, 'protected');
    plainPristine = join(tmp.path, 'plain');
    (await newProfile(protectedPristine, { protector })).lock();
    (await newProfile(plainPristine)).lock();
  });
  afterAll(() => tmp.remove());
  beforeEach(() => {
    dir = join(tmp.path, `case-${(n += 1)}`);
  });

  const keystoreJson = () => JSON.parse(readFileSync(join(dir, 'keystore.json'), 'utf8'));

  it('stores only the protector\'s blob, and unlocks with the protector and the passphrase', async () => {
    copyProfile(protectedPristine, dir);
    const k = keystoreJson();
    expect(k.wrap.protectedBy).toBe('test-protector');
    expect(k.wrap.ciphertext).toBeUndefined();
    expect(Buffer.from(k.wrap.protectedCiphertext, 'base64').length).toBe(12 + 16 + 48);
    const ks = openKeystore(dir, { protector });
    expect(ks.info().protectedBy).toBe('test-protector');
    expect(await codeOf(ks.unlock(passphrase()))).toBe('ok');
    expect(await codeOf(ks.unlock(WRONG()))).toBe('passphrase_wrong');
  });

  it('needs the protector: absent or of another kind → keystore_protector_unavailable', async () => {
    copyProfile(protectedPristine, dir);
    expect(await codeOf(openKeystore(dir).unlock(passphrase()))).toBe('keystore_protector_unavailable');
    expect(await codeOf(openKeystore(dir, { protector: new TestKeyProtector('other-kind') }).unlock(passphrase()))).toBe('keystore_protector_unavailable');
  });

  it('another machine or OS account (same kind, other key) → keystore_protector_failed, not a passphrase failure', async () => {
    copyProfile(protectedPristine, dir);
    const ks = openKeystore(dir, { protector: new TestKeyProtector('test-protector') });
    expect(await codeOf(ks.unlock(passphrase()))).toBe('keystore_protector_failed');
    expect(ks.throttleStatus().failures).toBe(0);
  });

  it('rejects a tampered protected wrap and leaves the files byte-identical', async () => {
    copyProfile(protectedPristine, dir);
    const k = keystoreJson();
    const blob = Buffer.from(k.wrap.protectedCiphertext, 'base64');
    blob[blob.length - 1] = (blob[blob.length - 1] ?? 0) ^ 0x01;
    k.wrap.protectedCiphertext = blob.toString('base64');
    writeFileSync(join(dir, 'keystore.json'), JSON.stringify(k));
    const before = snapshot(dir);
    expect(await codeOf(openKeystore(dir, { protector }).unlock(passphrase()))).toBe('keystore_protector_failed');
    expect(snapshot(dir)).toEqual(before);
  });

  it('cannot be stripped: the inner wrap moved into a plain wrap no longer opens (protection is bound into it)', async () => {
    copyProfile(protectedPristine, dir);
    const k = keystoreJson();
    const inner = await protector.unprotect(new Uint8Array(Buffer.from(k.wrap.protectedCiphertext, 'base64')));
    expect(inner).not.toBeNull();
    const stripped = { ...k, wrap: { alg: k.wrap.alg, nonce: k.wrap.nonce, ciphertext: Buffer.from(inner as Uint8Array).toString('base64') } };
    writeFileSync(join(dir, 'keystore.json'), JSON.stringify(stripped));
    expect(await codeOf(openKeystore(dir).unlock(passphrase()))).toBe('passphrase_wrong');
  });

  it('can be added to and removed from an existing profile, and survives a passphrase change', async () => {
    copyProfile(plainPristine, dir);
    const ks = openKeystore(dir, { protector });
    await ks.setProtector(passphrase(), protector);
    expect(keystoreJson().wrap.protectedBy).toBe('test-protector');
    expect(await codeOf(openKeystore(dir).unlock(passphrase()))).toBe('keystore_protector_unavailable');

    await ks.changePassphrase(passphrase(), passphrase('second'));
    expect(keystoreJson().wrap.protectedBy).toBe('test-protector');
    expect(await codeOf(ks.unlock(passphrase('second')))).toBe('ok');

    await ks.setProtector(passphrase('second'), null);
    expect(keystoreJson().wrap.protectedBy).toBeUndefined();
    expect(await codeOf(openKeystore(dir).unlock(passphrase('second')))).toBe('ok');
  });

  it('keeps the reserved audit checkpoint slot through re-wraps, outside the wrap\'s associated data', async () => {
    copyProfile(plainPristine, dir);
    const slot = { version: 1, data: Buffer.from('signed checkpoint bytes').toString('base64') };
    writeFileSync(join(dir, 'keystore.json'), JSON.stringify({ ...keystoreJson(), auditCheckpoint: slot }));
    const ks = openKeystore(dir);
    expect(ks.info().hasAuditCheckpoint).toBe(true);
    expect(await codeOf(ks.unlock(passphrase()))).toBe('ok');
    await ks.changePassphrase(passphrase(), passphrase('third'));
    expect(keystoreJson().auditCheckpoint).toEqual(slot);
  });
});
