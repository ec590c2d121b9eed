import { chmodSync, cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KDF_PARAMS } from '../../main/crypto/sodium';
import { createProfile, type CreateProfileOptions } from '../../main/identity/keystore';
import { passphraseBytes } from '../../main/identity/passphrase';
import type { Profile } from '../../main/identity/profile';
import type { Clock } from '../../main/identity/unlock-throttle';

export const PASSPHRASE_TEXT = 'correct horse battery staple – été';
/** A fresh copy each call: the keystore may be handed the bytes and the caller may wipe them. */
export const passphrase = (text = PASSPHRASE_TEXT) => passphraseBytes(text);
export const WRONG = () => passphraseBytes('not the passphrase');

/** Tests use INTERACTIVE (fast) parameters unless they are about the KDF. */
export const TEST_KDF = KDF_PARAMS.INTERACTIVE;

export async function newProfile(dir: string, options: CreateProfileOptions = {}): Promise<Profile> {
  return createProfile(dir, passphrase(), { kdf: TEST_KDF, onWarning: () => {}, ...options });
}

/** A clock the test moves by hand. */
export class FakeClock implements Clock {
  constructor(public t = 1_700_000_000_000) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Every file of a folder (recursively) with its bytes, to prove a failure changed nothing. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const p = join(entry.parentPath, entry.name);
    out.set(p.slice(dir.length), readFileSync(p).toString('hex'));
  }
  return out;
}

export function copyProfile(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
  chmodSync(to, 0o700);
}
