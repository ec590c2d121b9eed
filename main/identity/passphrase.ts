import { EntenteError } from '../../shared/errors';

/** Generous, but bounded: Argon2 would hash megabytes just as happily, and a UI bug could send them. */
export const MAX_PASSPHRASE_BYTES = 1024;

/**
 * The bytes Argon2id sees. Normalised to NFC so that the same passphrase typed on another keyboard or
 * OS (composed vs decomposed accents, frequent in French) unlocks the same profile. The string itself
 * cannot be wiped; callers should wipe the returned bytes once done.
 */
export function passphraseBytes(passphrase: string): Uint8Array {
  return new TextEncoder().encode(passphrase.normalize('NFC'));
}

export function checkPassphrase(passphrase: Uint8Array): void {
  if (!(passphrase instanceof Uint8Array) || passphrase.length === 0) throw new EntenteError('invalid_input', 'The passphrase is empty.');
  if (passphrase.length > MAX_PASSPHRASE_BYTES) throw new EntenteError('invalid_input', `The passphrase is longer than ${MAX_PASSPHRASE_BYTES} bytes.`);
}
