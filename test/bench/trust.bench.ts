// Trust model benchmark (issue 4, item 10): credential verifications per second with and without the
// verification cache, and the cost of a signed-prekey rotation. `npm run bench trust`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KDF_PARAMS, signKeyPair, sodiumReady } from '../../main/crypto/sodium';
import { createProfile } from '../../main/identity/keystore';
import { createIdentity } from '../../main/identity/officer';
import { passphraseBytes } from '../../main/identity/passphrase';
import { rotatePrekeys } from '../../main/identity/prekeys';
import { PolicyRegistry } from '../../main/policy';
import { toBase64url } from '../../main/trust/base64url';
import { CredentialVerifier } from '../../main/trust/credential-cache';
import { AgencyCard, Credential, type CredentialBody } from '../../main/trust/objects';
import { createSigned, decodeSigned, encodeSigned } from '../../main/trust/signed';
import { verifyCredential } from '../../main/trust/verify';
import { shippedPolicyTexts } from '../../cli/policies';

/**
 * Goals: checking the sender's credential must never bound the receive pipeline (a sync of 2,000
 * notes in under a second uncached; a cache worth having, ≥ 100,000/s when the same senders recur),
 * and a prekey rotation must be unnoticeable at unlock (< 50 ms).
 */
const GOAL_UNCACHED_PER_S = 2_000;
const GOAL_CACHED_PER_S = 100_000;
const GOAL_ROTATION_MS = 50;
const DAY = 86_400_000;

function rate(fn: () => void, minMs = 500): number {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    fn();
    n += 1;
  }
  return n / ((performance.now() - start) / 1000);
}

const line = (what: string, value: string, ratio: number) => {
  console.log(`${what.padEnd(46)} ${value.padStart(14)}   ${ratio.toFixed(2)}× the goal ${ratio >= 1 ? 'OK' : 'UNDER'}`);
  if (!(ratio >= 1)) process.exitCode = 1;
};

await sodiumReady();
const root = signKeyPair();
const registry = new PolicyRegistry();
for (const spif of shippedPolicyTexts()) registry.loadSpif(spif);
const now = Date.parse('2026-06-01T00:00:00Z');
const card = createSigned(AgencyCard, { id: 'fr-dgsi', name: 'DGSI', country: 'FRA', rootKey: toBase64url(root.publicKey), policies: ['1.3.26.1.3.1'], created: '2026-01-01T00:00:00Z' }, 'root', root.secretKey);
const agency = { id: 'fr-dgsi', rootKey: root.publicKey, card };

// 1000 officers' credentials, as a directory would hold them, in their file form.
const files = Array.from({ length: 1000 }, (_, i) => {
  const body: CredentialBody = {
    serial: i + 1,
    agency: 'fr-dgsi',
    officerId: `officer${i}`,
    name: `Officer ${i}`,
    nationality: 'FRA',
    clearance: { policyId: '1.3.26.1.3.1', classifications: [1, 2, 3, 4], categories: [{ tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 250 }] },
    identityKey: toBase64url(signKeyPair().publicKey),
    agreementKey: toBase64url(signKeyPair().publicKey),
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2027-01-01T00:00:00Z',
  };
  return new TextEncoder().encode(encodeSigned(createSigned(Credential, body, 'issuer', root.secretKey)));
});
const parsed = files.map((f) => decodeSigned(Credential, f));

let i = 0;
const fromFile = rate(() => verifyCredential(decodeSigned(Credential, files[i++ % files.length] as Uint8Array), { agency, registry, now }));
i = 0;
const uncached = rate(() => verifyCredential(parsed[i++ % parsed.length] as (typeof parsed)[number], { agency, registry, now }));
const cache = new CredentialVerifier();
const bytesCtx = { agencyOf: (id: string) => (id === 'fr-dgsi' ? agency : undefined), registry, now };
for (const f of files) cache.verifyBytes(f, bytesCtx);
i = 0;
const cached = rate(() => cache.verifyBytes(files[i++ % files.length] as Uint8Array, bytesCtx));

line('credential verifications, from file bytes', `${Math.round(fromFile).toLocaleString('en')}/s`, fromFile / GOAL_UNCACHED_PER_S);
line('credential verifications, parsed, no cache', `${Math.round(uncached).toLocaleString('en')}/s`, uncached / GOAL_UNCACHED_PER_S);
line(`credential verifications, from bytes, cached`, `${Math.round(cached).toLocaleString('en')}/s`, cached / GOAL_CACHED_PER_S);
console.log(`  cache speed-up over uncached from bytes: ${(cached / fromFile).toFixed(1)}× (${cache.hits.toLocaleString('en')} hits, ${cache.misses} misses)`);

// Prekey rotation in a real profile: create + sign + store, retire, and the deletion pass.
const dir = mkdtempSync(join(tmpdir(), 'entente-bench-'));
try {
  const profile = await createProfile(join(dir, 'p'), passphraseBytes('bench'), { kdf: KDF_PARAMS.INTERACTIVE });
  const me = createIdentity(profile, 'officer0', 'Officer 0');
  const own = createSigned(Credential, { ...(parsed[0] as (typeof parsed)[number]).body, identityKey: toBase64url(me.signPublic), agreementKey: toBase64url(me.dhPublic) }, 'issuer', root.secretKey);
  const times: number[] = [];
  const deletions: number[] = [];
  for (let week = 0; week < 60; week++) {
    const t0 = performance.now();
    const report = rotatePrekeys(profile, me, own, now + week * 7 * DAY);
    const ms = performance.now() - t0;
    (report.deleted.length > 0 ? deletions : times).push(ms);
  }
  const idle: number[] = [];
  for (let k = 0; k < 50; k++) {
    const t0 = performance.now();
    rotatePrekeys(profile, me, own, now + 59 * 7 * DAY + 1000);
    idle.push(performance.now() - t0);
  }
  profile.lock();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  line('prekey rotation (new key, signed, stored)', `${median(times).toFixed(2)} ms`, GOAL_ROTATION_MS / median(times));
  line('prekey rotation with a deletion', `${median(deletions).toFixed(2)} ms`, GOAL_ROTATION_MS / median(deletions));
  line('prekey check when nothing is due', `${median(idle).toFixed(2)} ms`, GOAL_ROTATION_MS / median(idle));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
