import { wipe } from '../main/crypto/sodium';
import { openKeystore } from '../main/identity/keystore';
import type { Profile } from '../main/identity/profile';
import type { Io } from './command';
import { requiredString } from './options';
import { readPassphrase } from './passphrase';

/** Unlocks --profile with its passphrase, runs `fn`, and always locks the profile (wiping its keys). */
export async function withProfile<T>(io: Io, values: Record<string, unknown>, fn: (profile: Profile) => T | Promise<T>): Promise<T> {
  const dir = requiredString(values, 'profile');
  const passphrase = await readPassphrase(io, values, 'profile');
  let profile: Profile;
  try {
    profile = await openKeystore(dir, { onWarning: (m) => io.err(`entente: ${m}`) }).unlock(passphrase);
  } finally {
    wipe(passphrase);
  }
  try {
    return await fn(profile);
  } finally {
    profile.lock();
  }
}
