/**
 * A second, machine-bound wrap of the database key (in Electron: `safeStorage`, i.e. the OS keychain,
 * DPAPI or libsecret). It is layered ON TOP of the passphrase wrap, never instead of it: a copy of
 * keystore.json taken off the machine cannot even be attacked by guessing passphrases without also
 * breaking the OS key store, while unlocking still needs the passphrase.
 *
 * Implementations live outside main/identity (main/app for Electron; a test double in test/helpers).
 * They must authenticate what they decrypt, and should refuse to work when the platform offers no
 * real protection (Electron's `basic_text` backend on Linux).
 */
export interface KeyProtector {
  /** Recorded in keystore.json (`wrap.protectedBy`) and bound into the wrap; lowercase, digits, dashes. */
  readonly id: string;
  /** Encrypts for this OS user on this machine. */
  protect(data: Uint8Array): Promise<Uint8Array>;
  /** The data, or null when the blob is not authentic or this machine/user cannot open it. */
  unprotect(blob: Uint8Array): Promise<Uint8Array | null>;
}
