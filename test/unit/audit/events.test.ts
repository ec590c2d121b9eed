import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_EVENT_TYPES, type AuditEventType } from '../../../main/audit/events';
import type { AuditEntry } from '../../../main/audit/entry';
import { exportAuditLog } from '../../../main/audit/export';
import { verifyAndRecord } from '../../../main/audit/verify';
import { signKeyPair } from '../../../main/crypto/sodium';
import { openKeystore } from '../../../main/identity/keystore';
import { createIdentity, enrolmentRequest, loadIdentity } from '../../../main/identity/officer';
import type { Profile } from '../../../main/identity/profile';
import { shippedPolicyText } from '../../../main/policy/shipped';
import { toBase64url } from '../../../main/trust/base64url';
import { agencyFingerprint, hexGroups } from '../../../main/trust/fingerprint';
import { importFiles, type ImportFile } from '../../../main/trust/import';
import { AgencyCard } from '../../../main/trust/objects';
import { markVerified, peerStatus } from '../../../main/trust/peers';
import { createSigned, encodeSigned } from '../../../main/trust/signed';
import { TrustStore } from '../../../main/trust/trust-store';
import { EntenteError } from '../../../shared/errors';
import { TestKeyProtector } from '../../helpers/key-protector';
import { WRONG, passphrase } from '../../helpers/profile';
import { tempDir } from '../../helpers/tmp';
import { agency, agreement, credential, garbage, peerKeys, revocationList, type TestAgency } from './fixtures';
import { auditProfile, entries } from './helpers';

/**
 * Issue 7, item 2: every event of the catalog is written by the module that does the thing. The events
 * of modules that exist are produced here through those modules, in a real profile; the messaging
 * layer's are asserted by its own tests (MemoryAuditSink, which checks events as the log does), the
 * display's by display-events.test.ts; the rest belong to modules that do not exist yet, each named.
 */
const WRITTEN_HERE: readonly AuditEventType[] = [
  'profile_created',
  'unlock_succeeded',
  'unlock_failed',
  'locked',
  'passphrase_changed',
  'key_protection_changed',
  'identity_created',
  'enrolment_request_created',
  'policy_imported',
  'policy_rejected',
  'credential_imported',
  'credential_rejected',
  'agency_card_imported',
  'agency_card_rejected',
  'agreement_imported',
  'agreement_rejected',
  'revocation_list_imported',
  'revocation_list_rejected',
  'import_rejected',
  'agency_unpinned',
  'key_change_detected',
  'safety_number_verified',
  'audit_exported',
  'audit_verified',
];
/** Written by main/messaging, asserted by test/unit/messaging/* (channels, exchange, need-to-know, search tests). */
const BY_MESSAGING: readonly AuditEventType[] = ['channel_created', 'channel_renamed', 'channel_membership_changed', 'note_sealed', 'note_received', 'note_rejected', 'search_run'];
/**
 * Written where a note's text is shown or withheld (`entente messages`, the desktop's notes.page and
 * notes.body), asserted by display-events.test.ts and test/unit/core/notes.test.ts.
 */
const BY_DISPLAY: readonly AuditEventType[] = ['note_displayed', 'note_withheld'];
/** Written by the desktop's Service (main/core/calls-settings.ts), asserted by test/unit/core/review.test.ts. */
const BY_DESKTOP: readonly AuditEventType[] = ['settings_changed'];
/** Modules that do not exist yet: the event is in the catalog so that they report it when they come. */
const NOT_YET: Readonly<Partial<Record<AuditEventType, string>>> = {
  notes_exported: 'export of notes (not built yet)',
};

describe('the event catalog', () => {
  it('is covered: each type is written here, by the messaging layer, the display or the desktop, or named as not built yet', () => {
    const all = [...WRITTEN_HERE, ...BY_MESSAGING, ...BY_DISPLAY, ...BY_DESKTOP, ...Object.keys(NOT_YET)];
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual([...AUDIT_EVENT_TYPES].sort());
  });

  it('is documented: docs/AUDIT.md describes every type', () => {
    const doc = readFileSync('docs/AUDIT.md', 'utf8');
    for (const t of AUDIT_EVENT_TYPES) expect(doc, t).toContain(`\`${t}\``);
  });

  it('the messaging layer, where it exists, reports its events', () => {
    const dir = 'main/messaging';
    if (!existsSync(dir)) return; // asserted again once it exists
    const source = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    for (const t of BY_MESSAGING) expect(source, t).toContain(`'${t}'`);
  });

  it('the desktop\'s Service reports its events', () => {
    const dir = 'main/core';
    const source = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    for (const t of [...BY_DESKTOP, ...BY_DISPLAY]) expect(source, t).toContain(`'${t}'`);
  });
});

describe('every module writes its events into the profile', () => {
  let tmp: ReturnType<typeof tempDir>;
  let dir: string;
  let log: AuditEntry[] = [];
  const with_ = (type: AuditEventType, outcome = 'ok') => log.filter((e) => e.type === type && e.outcome === outcome);

  async function refused(fn: () => unknown): Promise<string> {
    try {
      await fn();
    } catch (err) {
      if (err instanceof EntenteError) return err.code;
      throw err;
    }
    throw new Error('expected a refusal');
  }

  beforeAll(async () => {
    tmp = tempDir();
    dir = join(tmp.path, 'p');
    let profile: Profile = await auditProfile(dir);
    const me = loadIdentity(profile);
    await refused(() => createIdentity(profile, 'jdupont', 'Jeanne Dupont'));
    enrolmentRequest(me, Date.now(), profile.audit);

    const fr = agency('fr-dgsi');
    const uk = agency('uk-demo', 'GBR');
    const imp = (...files: ImportFile[]) => importFiles(profile, me, files);
    imp({ name: 'nato.xml', bytes: new TextEncoder().encode(shippedPolicyText('nato')) });
    await refused(() => imp(garbage('broken.xml', '<spif xmlns="http://www.xmlspif.org/spif"><oops/></spif>')));
    imp(fr.card, uk.card, credential(fr, 'jdupont', { sign: me.signPublic, dh: me.dhPublic }, 1));
    const badRoot = signKeyPair();
    const forgedCard = createSigned(AgencyCard, { id: 'xx-bad', name: 'Forged', country: 'FRA', rootKey: toBase64url(signKeyPair().publicKey), policies: ['1.3.26.1.3.1'], created: '2026-01-01T00:00:00Z' }, 'root', badRoot.secretKey);
    await refused(() => imp({ name: 'forged.card.json', bytes: new TextEncoder().encode(encodeSigned(forgedCard)) }));
    const stranger: TestAgency = agency('de-bnd', 'DEU');
    await refused(() => imp(credential(stranger, 'hmueller', peerKeys(), 3)));
    imp(agreement(fr, uk));
    await refused(() => imp(agreement(fr, uk, false)));
    imp(revocationList(uk, 1, [99]));
    await refused(() => imp(revocationList(uk, 2, [98], fr.root)));
    await refused(() => imp(garbage('notes.txt', 'these are not trust objects')));
    imp(credential(uk, 'jsmith', peerKeys(), 5, '2026-01-02T00:00:00Z'));
    imp(credential(uk, 'jsmith', peerKeys(), 6, '2026-03-01T00:00:00Z'));
    await refused(() => markVerified(profile.db, me, 'uk-demo', 'jsmith', '00000 '.repeat(12), Date.now(), profile.audit));
    markVerified(profile.db, me, 'uk-demo', 'jsmith', peerStatus(profile.db, me, 'uk-demo', 'jsmith').safetyNumber.join(' '), Date.now(), profile.audit);
    const store = new TrustStore(profile.db);
    await refused(() => store.unpinAgency('uk-demo', '0000', profile.audit));
    store.unpinAgency('uk-demo', hexGroups(agencyFingerprint({ id: 'uk-demo', rootKey: toBase64url(uk.root.publicKey) })), profile.audit);
    exportAuditLog(profile.auditLog, join(tmp.path, 'audit.jsonl'));
    verifyAndRecord(profile.auditLog);
    profile.lock();

    const ks = openKeystore(dir, { onWarning: () => {} });
    for (let i = 0; i < 2; i++) await refused(() => ks.unlock(WRONG()));
    (await ks.unlock(passphrase())).lock();
    await ks.changePassphrase(passphrase(), passphrase('second passphrase'));
    (await ks.unlock(passphrase('second passphrase'))).lock();
    const protector = new TestKeyProtector();
    await ks.setProtector(passphrase('second passphrase'), protector);
    profile = await openKeystore(dir, { protector, onWarning: () => {} }).unlock(passphrase('second passphrase'));
    log = entries(profile);
    profile.lock();
  });
  afterAll(() => tmp.remove());

  it.each(WRITTEN_HERE.map((t) => [t]))('%s', (type) => {
    expect(log.filter((e) => e.type === type).length, JSON.stringify(log.map((e) => `${e.type}:${e.outcome}`))).toBeGreaterThan(0);
  });

  it('records who and what, and each refusal with its code', () => {
    expect(with_('identity_created')[0]).toMatchObject({ actor: 'self', subjects: ['jdupont'] });
    expect(with_('identity_created', 'refused')[0]).toMatchObject({ code: 'identity_exists' });
    expect(with_('credential_imported').map((e) => e.subjects?.[0])).toEqual(['fr-dgsi/jdupont', 'uk-demo/jsmith', 'uk-demo/jsmith']);
    expect(with_('credential_rejected', 'refused')[0]).toMatchObject({ code: 'trust_unknown_agency', details: { file: 'hmueller-3.cred.json' } });
    expect(with_('agency_card_rejected', 'refused')[0]?.code).toBe('signature_invalid');
    expect(with_('policy_rejected', 'refused')[0]?.details?.file).toBe('broken.xml');
    expect(with_('agreement_rejected', 'refused')[0]?.code).toBe('agreement_incomplete');
    expect(with_('revocation_list_rejected', 'refused')[0]?.code).toBe('signature_invalid');
    expect(with_('import_rejected', 'refused')[0]?.details?.file).toBe('notes.txt');
    expect(with_('key_change_detected')[0]).toMatchObject({ subjects: ['uk-demo/jsmith'], details: { serial: 6 } });
    expect(with_('safety_number_verified', 'refused')[0]?.code).toBe('safety_number_mismatch');
    expect(with_('safety_number_verified')[0]).toMatchObject({ subjects: ['uk-demo/jsmith'], details: { afterKeyChange: true } });
    expect(with_('agency_unpinned', 'refused')).toHaveLength(1);
    expect(with_('unlock_failed', 'refused')[0]).toMatchObject({ code: 'passphrase_wrong', details: { attempts: 2 } });
    expect(with_('key_protection_changed')[0]?.details).toMatchObject({ protectedBy: 'test-protector', previously: 'passphrase only' });
    expect(with_('passphrase_changed')[0]?.details).toMatchObject({ kdfChanged: false });
    expect(with_('audit_verified')[0]).toMatchObject({ details: { scope: 'profile' } });
  });

  it('a refused batch keeps only its refusal: the files imported with it are rolled back, events included', () => {
    const files = log.filter((e) => e.type.endsWith('_imported')).map((e) => e.details?.file);
    expect(files).not.toContain('forged.card.json');
    expect(files).not.toContain('hmueller-3.cred.json');
  });

  it('numbers the whole history without gaps', () => {
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
  });
});
