import { describe, expect, it } from 'vitest';

// Runs in its own module graph (vitest isolates files), so libsodium is not yet ready here.
describe('libsodium readiness', () => {
  it('a verification before sodiumReady() throws instead of reading as a bad signature', async () => {
    const sodium = await import('../../../main/crypto/sodium');
    const sig = new Uint8Array(64);
    const key = new Uint8Array(32);
    expect(() => sodium.verifyDetached(sig, new Uint8Array(1), key)).toThrow(/before sodiumReady/);
    expect(() => sodium.dh(new Uint8Array(32), key)).toThrow(/before sodiumReady/);
    await sodium.sodiumReady();
    expect(sodium.verifyDetached(sig, new Uint8Array(1), key)).toBe(false);
  });
});
