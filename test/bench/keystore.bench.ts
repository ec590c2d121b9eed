// Profile keystore benchmark (issue 4, item 10): unlock split into the KDF and the database open.
// Goal: unlock costs under 100 ms beyond the KDF. `npm run bench keystore`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KDF_PARAMS, deriveKey, randomBytes, sodiumReady, type KdfParams } from '../../main/crypto/sodium';
import { createProfile, openKeystore } from '../../main/identity/keystore';
import { unwrapKey } from '../../main/identity/key-wrap';
import { readKeystoreFile } from '../../main/identity/keystore-file';
import { passphraseBytes } from '../../main/identity/passphrase';
import { openEncryptedDatabase } from '../../main/store/database';

const GOAL_MS = 100;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (ms: number) => `${ms.toFixed(1).padStart(8)} ms`;

async function time(runs: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

await sodiumReady();
const root = mkdtempSync(join(tmpdir(), 'entente-bench-'));
try {
  // 1. The KDF alone, per named parameter set.
  const salt = randomBytes(16);
  const pass = passphraseBytes('benchmark passphrase');
  const kdf = async (p: KdfParams) => median(await time(p === KDF_PARAMS.MODERATE ? 3 : 5, () => deriveKey(pass, salt, p)));
  const interactive = await kdf(KDF_PARAMS.INTERACTIVE);
  const moderate = await kdf(KDF_PARAMS.MODERATE);
  console.log(`Argon2id INTERACTIVE (ops 2, 64 MiB)   ${fmt(interactive)}  (median of 5)`);
  console.log(`Argon2id MODERATE    (ops 3, 256 MiB)  ${fmt(moderate)}  (median of 3; the default for new profiles)`);

  // 2. A profile with some content, so the open is not measured on an empty file.
  const dir = join(root, 'profile');
  const profile = await createProfile(dir, pass, { kdf: 'MODERATE' });
  const conn = profile.db.connection;
  conn.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = conn.prepare('INSERT INTO filler (body) VALUES (?)');
  profile.db.transaction(() => {
    for (let i = 0; i < 20_000; i++) insert.run([`note ${i} `.padEnd(500, 'x')]);
  });
  profile.lock();

  // 3. Database open + validate + pragmas + migration check, with the raw key.
  const file = readKeystoreFile(join(dir, 'keystore.json'));
  const unwrapped = await unwrapKey(file, pass, undefined);
  if (!unwrapped.ok) throw new Error('could not unwrap the benchmark profile');
  const dbPath = join(dir, 'profile.db');
  const opens = await time(20, () => openEncryptedDatabase(dbPath, unwrapped.key, { mode: 'existing' }).close());
  const mb = (statSync(dbPath).size / 1e6).toFixed(1);
  console.log(`database open + validate (${mb} MB file) ${fmt(median(opens))}  (median of 20; max ${Math.max(...opens).toFixed(1)} ms)`);

  // 4. Full unlock through the keystore, split by its own timings.
  const ks = openKeystore(dir);
  const beyond: number[] = [];
  const kdfs: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < 5; i++) {
    const p = await ks.unlock(pass);
    beyond.push(p.timings.totalMs - p.timings.kdfMs);
    kdfs.push(p.timings.kdfMs);
    totals.push(p.timings.totalMs);
    p.lock();
  }
  const extra = median(beyond);
  console.log(`unlock total (MODERATE)                 ${fmt(median(totals))}  (median of 5)`);
  console.log(`  of which KDF                          ${fmt(median(kdfs))}`);
  console.log(`  unlock minus KDF                      ${fmt(extra)}  goal < ${GOAL_MS} ms → ${(extra / GOAL_MS).toFixed(2)} of the budget ${extra < GOAL_MS ? 'OK' : 'OVER'}`);
  if (extra >= GOAL_MS) process.exitCode = 1;
} finally {
  rmSync(root, { recursive: true, force: true });
}
