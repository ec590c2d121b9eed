import { createHash, timingSafeEqual } from 'node:crypto';
import type { KeyProtector } from '../identity/key-protector';

/** The part of Electron's safeStorage this uses; structural so tests can drive it without Electron. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

const FORMAT = 'entente-safestorage-v1';

/**
 * The optional machine-bound second wrap of a profile's database key, through the OS key store
 * (Keychain, DPAPI, libsecret/kwallet). Returns null where it would protect nothing: no encryption,
 * or Linux's `basic_text` backend, whose key is a constant known to everyone.
 *
 * safeStorage's ciphertext is not authenticated on every platform (AES-CBC on macOS and Linux), so the
 * plaintext carries a digest of the data; the wrapped data is itself an AEAD ciphertext, which stays
 * the real guard against tampering.
 */
export function safeStorageProtector(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): KeyProtector | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return null;
  const digest = (data: Uint8Array): Buffer => createHash('sha256').update(FORMAT).update(data).digest();
  return {
    id: 'electron-safestorage',
    async protect(data) {
      const payload = `${FORMAT}:${Buffer.from(data).toString('base64')}:${digest(data).toString('base64')}`;
      return new Uint8Array(safeStorage.encryptString(payload));
    },
    async unprotect(blob) {
      let text: string;
      try {
        text = safeStorage.decryptString(Buffer.from(blob));
      } catch {
        // Another user, another machine, or a damaged blob: all mean "cannot open here".
        return null;
      }
      const [format, data, sum, ...rest] = text.split(':');
      if (format !== FORMAT || data === undefined || sum === undefined || rest.length > 0) return null;
      const bytes = Buffer.from(data, 'base64');
      const expected = digest(bytes);
      const given = Buffer.from(sum, 'base64');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return new Uint8Array(bytes);
    },
  };
}
