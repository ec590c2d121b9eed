import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyProtector } from '../../main/identity/key-protector';

/**
 * A stand-in for Electron's safeStorage that really encrypts (AES-256-GCM under a per-instance "machine"
 * key), so tests see real ciphertext, real tamper detection and a real "other machine" failure.
 */
export class TestKeyProtector implements KeyProtector {
  readonly id: string;
  readonly machineKey: Buffer;
  calls = { protect: 0, unprotect: 0 };

  constructor(id = 'test-protector', machineKey: Buffer = randomBytes(32)) {
    this.id = id;
    this.machineKey = machineKey;
  }

  async protect(data: Uint8Array): Promise<Uint8Array> {
    this.calls.protect += 1;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.machineKey, iv);
    const body = Buffer.concat([cipher.update(data), cipher.final()]);
    return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body]));
  }

  async unprotect(blob: Uint8Array): Promise<Uint8Array | null> {
    this.calls.unprotect += 1;
    if (blob.length < 28) return null;
    const b = Buffer.from(blob);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.machineKey, b.subarray(0, 12));
      decipher.setAuthTag(b.subarray(12, 28));
      return new Uint8Array(Buffer.concat([decipher.update(b.subarray(28)), decipher.final()]));
    } catch {
      return null;
    }
  }
}
