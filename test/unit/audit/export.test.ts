import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportAuditLog, type ExportResult } from '../../../main/audit/export';
import { AuditManifest, credentialFingerprint, manifestPathFor } from '../../../main/audit/export-format';
import { verifyExport, type ExportReport } from '../../../main/audit/export-verify';
import { signKeyPair, type KeyPair } from '../../../main/crypto/sodium';
import { loadIdentity } from '../../../main/identity/officer';
import type { Profile } from '../../../main/identity/profile';
import { toBase64url } from '../../../main/trust/base64url';
import { importFiles } from '../../../main/trust/import';
import { AgencyCard, Credential, type CredentialBody } from '../../../main/trust/objects';
import { createSigned, decodeSigned, encodeSigned } from '../../../main/trust/signed';
import { EntenteError } from '../../../shared/errors';
import { shippedPolicyTexts } from '../../../main/policy/shipped';
import { tempDir } from '../../helpers/tmp';
import { auditProfile, entries, noteEvent } from './helpers';
import { prng, tamperExport } from './tamper';

const CASES = 1000;
const SEED = 0xa0d17;
const NATO = '1.3.26.1.3.1';

/** An agency and the officer's credential for the profile's own identity keys. */
function credentialFor(profile: Profile, root: KeyPair, officerId = 'jdupont') {
  const me = loadIdentity(profile);
  const card = createSigned(AgencyCard, { id: 'fr-dgsi', name: 'DGSI', country: 'FRA', rootKey: toBase64url(root.publicKey), policies: [NATO], created: '2026-01-01T00:00:00Z' }, 'root', root.secretKey);
  const body: CredentialBody = {
    serial: 7,
    agency: 'fr-dgsi',
    officerId,
    name: 'Jeanne Dupont',
    nationality: 'FRA',
    clearance: { policyId: NATO, classifications: [1, 2, 3, 4], categories: [] },
    identityKey: toBase64url(me.signPublic),
    agreementKey: toBase64url(me.dhPublic),
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2036-01-01T00:00:00Z',
  };
  return { card: encodeSigned(card), credential: encodeSigned(createSigned(Credential, body, 'issuer', root.secretKey)) };
}

describe('audit export and offline verification', () => {
  let tmp: ReturnType<typeof tempDir>;
  let out: string;
  let result: ExportResult;
  let files: { card: string; credential: string };
  let lines: Buffer[];
  let root: KeyPair;
  let profile: Profile;

  const verify = (exportPath: string, extra: Partial<{ manifest: Uint8Array; credential: string; card: string }> = {}): ExportReport =>
    verifyExport({
      exportPath,
      manifest: extra.manifest ?? new Uint8Array(readFileSync(manifestPathFor(out))),
      credential: new TextEncoder().encode(extra.credential ?? files.credential),
      ...(extra.card === undefined ? {} : { card: new TextEncoder().encode(extra.card) }),
    });

  beforeAll(async () => {
    tmp = tempDir();
    profile = await auditProfile(join(tmp.path, 'p'), { checkpointEvery: 40 });
    root = signKeyPair();
    files = credentialFor(profile, root);
    importFiles(profile, loadIdentity(profile), [
      { name: 'card.json', bytes: new TextEncoder().encode(files.card) },
      { name: 'cred.json', bytes: new TextEncoder().encode(files.credential) },
    ], { fallbackSpifs: shippedPolicyTexts() });
    for (let i = 0; i < 150; i++) profile.audit.record(noteEvent(i, 1 + (i % 4)));
    out = join(tmp.path, 'audit.jsonl');
    result = exportAuditLog(profile.auditLog, out);
    lines = readFileSync(out).toString('utf8').split(/(?<=\n)/).map((l) => Buffer.from(l));
  });
  afterAll(() => {
    profile.lock();
    tmp.remove();
  });

  it('writes JSON Lines and a signed manifest, both 0600, and records the export after it', () => {
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(statSync(manifestPathFor(out)).mode & 0o777).toBe(0o600);
    expect(lines).toHaveLength(result.count);
    expect(lines[0]?.toString()).toMatch(/^\{"entry":\{"actor":"self".*"seq":1,.*"type":"profile_created","v":1\},"hash":"[A-Za-z0-9_-]{43}","prev":"A{43}"\}\n$/);
    const manifest = decodeSigned(AuditManifest, readFileSync(manifestPathFor(out)));
    const cred = decodeSigned(Credential, new TextEncoder().encode(files.credential));
    expect(manifest.body).toMatchObject({ officer: 'jdupont', count: result.count, lastSeq: result.count, credential: { agency: 'fr-dgsi', serial: 7, fingerprint: credentialFingerprint(cred.body) } });
    const intervals = Math.floor((result.count - 1) / 40);
    expect(manifest.body.checkpoints.map((c) => [c.body.seq, c.body.reason])).toEqual([...Array.from({ length: intervals }, (_, i) => [40 * (i + 1), 'interval']), [result.count, 'export']]);
    const last = entries(profile).at(-1);
    expect(last).toMatchObject({ type: 'audit_exported', outcome: 'ok', seq: result.count + 1, details: { entries: result.count, file: 'audit.jsonl' } });
  });

  it("verifies on another machine with only the two files and the officer's credential (and the agency card)", () => {
    const elsewhere = join(tmp.path, 'security-officer');
    mkdirSync(elsewhere);
    copyFileSync(out, join(elsewhere, 'audit.jsonl'));
    const r = verifyExport({ exportPath: join(elsewhere, 'audit.jsonl'), manifest: readFileSync(manifestPathFor(out)), credential: new TextEncoder().encode(files.credential), card: new TextEncoder().encode(files.card) });
    expect(r.problem).toBeUndefined();
    expect(r).toMatchObject({ ok: true, officer: 'jdupont', agency: 'fr-dgsi', entries: result.count, lastHash: result.lastHash, credentialIssuerChecked: true, credentialMatchesManifest: true, checkpoints: Math.floor((result.count - 1) / 40) + 1 });
  });

  it(`detects ${CASES} random changes to an export, each at the right entry (seed ${SEED})`, () => {
    const rand = prng(SEED);
    const path = join(tmp.path, 'tampered.jsonl');
    const kinds = new Map<string, number>();
    for (let c = 0; c < CASES; c++) {
      const t = tamperExport(lines, rand);
      writeFileSync(path, t.bytes);
      const r = verify(path);
      expect(r.ok, `case ${c}: ${t.case.what}`).toBe(false);
      expect(r.problem?.seq, `case ${c}: ${t.case.what}: ${r.problem?.message}`).toBe(t.case.expected);
      expect(r.entries, `case ${c}: entries intact`).toBe(t.case.expected - 1);
      kinds.set(r.problem?.kind ?? '', (kinds.get(r.problem?.kind ?? '') ?? 0) + 1);
    }
    // A swap reads as "missing or out of place" in an export: lines carry no number of their own.
    for (const kind of ['malformed', 'missing', 'modified', 'truncated', 'unexpected']) expect(kinds.get(kind) ?? 0, JSON.stringify([...kinds])).toBeGreaterThan(10);
  });

  it('refuses a manifest that was altered, re-signed by another key, or is for another officer', () => {
    const manifest = decodeSigned(AuditManifest, readFileSync(manifestPathFor(out)));
    const altered = encodeSigned({ ...manifest, body: { ...manifest.body, count: manifest.body.count - 1, lastSeq: manifest.body.lastSeq - 1 } });
    expect(verify(out, { manifest: new TextEncoder().encode(altered) }).problem).toMatchObject({ code: 'audit_checkpoint_invalid', kind: 'manifest_invalid' });
    const stranger = signKeyPair();
    const resigned = encodeSigned(createSigned(AuditManifest, { ...manifest.body, identityKey: toBase64url(stranger.publicKey) }, 'identity', stranger.secretKey));
    expect(verify(out, { manifest: new TextEncoder().encode(resigned) }).problem?.kind).toBe('manifest_invalid');
    expect(verify(out, { manifest: new TextEncoder().encode('{"not":"a manifest"}') }).problem).toMatchObject({ code: 'audit_export_malformed' });
    const other = credentialFor(profile, root, 'mmartin');
    expect(verify(out, { credential: other.credential }).problem?.message).toMatch(/another identity key/);
  });

  it("refuses a credential the agency card did not sign, and a credential that is not one", () => {
    const otherRoot = signKeyPair();
    const forged = credentialFor(profile, otherRoot);
    expect(() => verify(out, { credential: forged.credential, card: files.card })).toThrow(EntenteError);
    try {
      verify(out, { credential: forged.credential, card: files.card });
    } catch (err) {
      expect((err as EntenteError).code).toBe('signature_invalid');
    }
    expect(() => verify(out, { credential: 'garbage' })).toThrow(/not JSON/);
  });
});
