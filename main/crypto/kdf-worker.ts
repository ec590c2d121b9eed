import { parentPort } from 'node:worker_threads';
import { KDF_BOUNDS, KDF_SALT_BYTES, deriveKey, sodiumReady, wipe } from './sodium';

/**
 * The Argon2id worker thread (kdf-worker-client.ts starts it): the derivation takes about a second
 * at MODERATE and libsodium is synchronous, so in the main process it would freeze the window and
 * every API call for that long. One request at a time, answered in order.
 *
 * No top-level await: from the sources this file is bundled to CommonJS and run as an eval worker.
 * The passphrase arrives as a transferred buffer and is wiped here once used.
 */
interface Request {
  id: number;
  passphrase: Uint8Array;
  salt: Uint8Array;
  opslimit: number;
  memlimit: number;
  length: number;
}

const isRequest = (m: unknown): m is Request => {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  const int = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
  return (
    int(r.id, 0, Number.MAX_SAFE_INTEGER) &&
    r.passphrase instanceof Uint8Array &&
    r.salt instanceof Uint8Array &&
    r.salt.length === KDF_SALT_BYTES &&
    int(r.opslimit, KDF_BOUNDS.opslimit.min, KDF_BOUNDS.opslimit.max) &&
    int(r.memlimit, KDF_BOUNDS.memlimit.min, KDF_BOUNDS.memlimit.max) &&
    int(r.length, 16, 64)
  );
};

const port = parentPort;
if (port === null) throw new Error('the KDF worker runs only as a worker thread');
const ready = sodiumReady();

port.on('message', (raw: unknown) => {
  if (!isRequest(raw)) {
    const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'number' ? (raw as { id: number }).id : -1;
    port.postMessage({ id, ok: false });
    return;
  }
  const { id, passphrase, salt, opslimit, memlimit, length } = raw;
  ready
    .then(() => deriveKey(passphrase, salt, { opslimit, memlimit }, length))
    .then(
      (key) => {
        // The key's own buffer is handed over, so no copy of it stays in this thread.
        const out = key.byteOffset === 0 && key.byteLength === key.buffer.byteLength ? key : Uint8Array.from(key);
        if (out !== key) wipe(key);
        port.postMessage({ id, ok: true, key: out }, [out.buffer as ArrayBuffer]);
      },
      () => port.postMessage({ id, ok: false }),
    )
    .finally(() => wipe(passphrase));
});
