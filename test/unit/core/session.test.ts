import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { passphraseBytes } from '../../../main/identity/passphrase';
import { issueCredential } from '../../../main/trust/issue';
import { AgencyFolder } from '../../../main/trust/agency-folder';
import { EnrolmentRequest } from '../../../main/trust/objects';
import { decodeSigned, encodeSigned } from '../../../main/trust/signed';
import { CALL_NAMES } from '../../../shared/api/contract';
import { desktop, removePristineDemo, type Desktop } from '../../helpers/desktop';
import { snapshot } from '../../helpers/profile';

/**
 * Profiles and the session through the real dispatch: the list, unlocking with the wrong and the right
 * passphrase, every profile call refused while locked, lock, auto-lock, a new profile from its
 * creation through its enrolment request to importing what its agency issued.
 */
const NATO = '1.3.26.1.3.1';
const b64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64');

/** Every call that needs an unlocked profile, with an input its schema accepts. */
const NEEDS_PROFILE: Record<string, unknown> = {
  'session.activity': null,
  'profile.enrolmentRequest': {},
  'profile.import': { files: [{ name: 'x.json', data: b64('{}') }] },
  'display.context': {},
  'channels.list': {},
  'channels.create': { name: 'Cell', members: [{ agency: 'de-demo', officerId: 'jonas' }] },
  'notes.page': { channelId: 'c' },
  'notes.body': { noteId: 'n' },
  'notes.search': { query: 'meeting' },
  'compose.catalog': {},
  'compose.preview': { channelId: 'c', label: { policyId: NATO, classification: 1, categories: [] } },
  'compose.send': { channelId: 'c', label: { policyId: NATO, classification: 1, categories: [] }, text: 'hello' },
  'partners.list': {},
  'partners.verify': { agency: 'uk-demo', officerId: 'alex', safetyNumber: '1' },
  'audit.page': {},
  'audit.counts': {},
  'audit.verify': {},
  'audit.export': {},
  'settings.get': {},
  'settings.set': { sessionMode: 'travelling' },
};

let d: Desktop;
beforeAll(async () => {
  d = await desktop();
}, 120_000);
afterEach(async () => {
  await d.service['profile.lock']();
});
afterAll(async () => {
  await d.close();
  removePristineDemo();
});

describe('profiles and unlocking', () => {
  it('lists the demo officers, none unlocked, with their public demo passphrases', async () => {
    const { profiles } = await d.call('profiles.list');
    expect(profiles.map((p) => p.id)).toEqual(['demo:camille', 'demo:lucas', 'demo:alex', 'demo:jonas']);
    expect(profiles[0]).toMatchObject({ kind: 'demo', name: 'Camille Martin', agency: 'fr-demo', officerId: 'camille', demoPassphrase: 'camille demo passphrase', unlocked: false });
  });

  it('refuses every profile call while locked, with profile_locked, and changes nothing', async () => {
    const before = snapshot(d.root);
    for (const [name, input] of Object.entries(NEEDS_PROFILE)) {
      if (name === 'session.activity') continue;
      expect((await d.fail(name, input)).code, name).toBe('profile_locked');
    }
    // session.activity answers "locked" rather than failing: there is nothing to keep alive.
    expect(await d.call('session.activity')).toEqual({ state: 'locked' });
    expect(snapshot(d.root)).toEqual(before);
    // The list above covers every call but the ones that work locked.
    const locked = ['appInfo', 'getPrefs', 'setPrefs', 'profiles.list', 'profile.create', 'profile.unlock', 'profile.lock', 'session.status'];
    expect([...Object.keys(NEEDS_PROFILE), ...locked].sort()).toEqual([...CALL_NAMES].sort());
  });

  it('refuses a wrong passphrase, then unlocks with the right one and records both', async () => {
    const wrong = await d.fail('profile.unlock', { profileId: 'demo:camille', passphrase: 'not it at all' });
    expect(wrong.code).toBe('passphrase_wrong');
    expect(await d.call('session.status')).toEqual({ state: 'locked' });
    const status = await d.unlockDemo('camille');
    expect(status).toMatchObject({ state: 'unlocked', profileId: 'demo:camille', officer: { officerId: 'camille', name: 'Camille Martin', agency: 'fr-demo', standing: 'in_force' }, relay: null });
    if (status.state !== 'unlocked') throw new Error('unreachable');
    expect(status.officer.clearance).toContain('SECRET');
    expect(status.autoLockAt).toBeGreaterThan(Date.now());
    const { entries } = await d.call('audit.page', { types: ['unlock_succeeded', 'unlock_failed'], limit: 5 });
    expect(entries[0]).toMatchObject({ type: 'unlock_succeeded', outcome: 'ok' });
    expect(entries[1]).toMatchObject({ type: 'unlock_failed', details: { attempts: 1 } });
    expect((await d.call('profiles.list')).profiles.find((p) => p.id === 'demo:camille')?.unlocked).toBe(true);
  });

  it('refuses unknown and hostile profile ids without touching anything', async () => {
    const before = snapshot(d.root);
    expect((await d.fail('profile.unlock', { profileId: 'demo:nobody', passphrase: 'x' })).code).toBe('keystore_missing');
    expect((await d.fail('profile.unlock', { profileId: 'user:camille', passphrase: 'x' })).code).toBe('keystore_missing');
    for (const profileId of ['demo:../camille', 'user:..', '../../etc/passwd', 'demo:camille/../alex', 'demo:', 'x'.repeat(300), 'demo:CAMILLE']) {
      expect((await d.fail('profile.unlock', { profileId, passphrase: 'camille demo passphrase' })).code, profileId).toBe('invalid_input');
    }
    expect((await d.fail('profile.unlock', { profileId: 'demo:camille', passphrase: 'x'.repeat(1025) })).code).toBe('invalid_input');
    expect((await d.fail('profile.unlock', { profileId: 'demo:camille', passphrase: '' })).code).toBe('invalid_input');
    expect(snapshot(d.root)).toEqual(before);
  });

  it('unlocking another profile locks the first; lock locks', async () => {
    await d.unlockDemo('camille');
    // A mistyped passphrase for another profile leaves the open one as it was.
    expect((await d.fail('profile.unlock', { profileId: 'demo:alex', passphrase: 'mistyped' })).code).toBe('passphrase_wrong');
    expect(await d.call('session.status')).toMatchObject({ state: 'unlocked', profileId: 'demo:camille' });
    const alex = await d.unlockDemo('alex');
    expect(alex).toMatchObject({ state: 'unlocked', profileId: 'demo:alex' });
    expect((await d.call('profiles.list')).profiles.filter((p) => p.unlocked).map((p) => p.id)).toEqual(['demo:alex']);
    expect(await d.call('profile.lock')).toEqual({ state: 'locked' });
    expect((await d.fail('channels.list')).code).toBe('profile_locked');
    expect(await d.call('profile.lock')).toEqual({ state: 'locked' });
  });
});

describe('auto-lock', () => {
  it('locks once the officer has been idle for the time set, and activity moves the deadline', async () => {
    const clock = { t: Date.now() };
    const e = await desktop({ now: () => clock.t });
    try {
      await e.unlockDemo('lucas');
      await e.call('settings.set', { autoLockMinutes: 2 });
      clock.t += 90_000;
      const touched = await e.call('session.activity');
      expect(touched).toMatchObject({ state: 'unlocked', autoLockAt: clock.t + 120_000 });
      clock.t += 90_000;
      // Reading is not activity: only session.activity (the officer's input) moves the deadline.
      await e.call('channels.list');
      clock.t += 31_000;
      expect((await e.fail('channels.list')).code).toBe('profile_locked');
      expect(await e.call('session.status')).toEqual({ state: 'locked' });
      await e.unlockDemo('lucas');
      const { entries } = await e.call('audit.page', { types: ['locked', 'settings_changed'], limit: 5 });
      expect(entries.slice(0, 2).map((x) => x.type)).toEqual(['locked', 'settings_changed']);
      expect(entries[1]).toMatchObject({ details: { changed: ['autoLockMinutes'], autoLockMinutes: 2 } });
    } finally {
      await e.close();
    }
  }, 60_000);
});

describe('a new profile', () => {
  it('is created unlocked, writes its enrolment request, and imports what its agency issued', async () => {
    const status = await d.call('profile.create', { officerId: 'marie', name: 'Marie Durand', passphrase: 'a long enough passphrase' });
    expect(status).toMatchObject({ state: 'unlocked', profileId: 'user:marie', officer: { officerId: 'marie', name: 'Marie Durand', agency: null, standing: 'credential_missing' } });
    expect((await d.call('profiles.list')).profiles.map((p) => p.id)).toContain('user:marie');

    const req = await d.call('profile.enrolmentRequest');
    expect(req.file.startsWith(join(d.dataDir, 'exports'))).toBe(true);
    expect(readFileSync(req.file, 'utf8')).toBe(req.content);
    const request = decodeSigned(EnrolmentRequest, new TextEncoder().encode(req.content));
    expect(request.body.officerId).toBe('marie');
    expect(req.fingerprint).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4})+$/);

    // The French demo agency issues a CONFIDENTIAL credential for the request.
    const agency = AgencyFolder.open(join(d.demoDir, 'agencies', 'fr-demo'));
    const credential = await issueCredential(agency, passphraseBytes('demo fr-demo agency'), request, {
      clearance: { policyId: NATO, classifications: [1, 2, 3], categories: [{ tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 250 }] },
      notBefore: Date.now() - 60_000,
      validDays: 30,
    });
    const cards = readdirSync(join(d.demoDir, 'cards')).map((f) => ({ name: f, data: b64(readFileSync(join(d.demoDir, 'cards', f))) }));
    const imported = await d.call('profile.import', {
      files: [
        { name: 'marie.cred.json', data: b64(encodeSigned(credential)) },
        { name: 'garbage.bin', data: b64(new Uint8Array([1, 2, 3, 0, 255])) },
        ...cards,
        { name: 'broken.xml', data: b64('<SPIF xmlns="http://www.xmlspif.org/spif"><oops') },
      ],
    });
    // Results in the order given; the credential imported after the cards it needs.
    expect(imported.results.map((r) => [r.name, r.ok ? r.kind : r.error.code])).toEqual([
      ['marie.cred.json', 'credential'],
      ['garbage.bin', 'signed_malformed'],
      ...cards.map((c) => [c.name, 'agency-card']),
      ['broken.xml', expect.stringMatching(/^(xml_malformed|spif_invalid)$/)],
    ]);
    expect(imported.imported).toBe(1 + cards.length);
    expect(imported.session).toMatchObject({ state: 'unlocked', officer: { agency: 'fr-demo', standing: 'in_force' } });
    const again = await d.call('profile.import', { files: [{ name: 'marie.cred.json', data: b64(encodeSigned(credential)) }] });
    expect(again.results[0]).toMatchObject({ ok: true, outcome: 'unchanged' });

    const { entries } = await d.call('audit.page', { types: ['credential_imported', 'import_rejected', 'enrolment_request_created', 'profile_created', 'identity_created'], limit: 20 });
    expect(new Set(entries.map((e) => e.type))).toEqual(new Set(['credential_imported', 'import_rejected', 'enrolment_request_created', 'profile_created', 'identity_created']));
  }, 60_000);

  it('refuses a profile that exists, a short passphrase and a bad officer id, creating nothing', async () => {
    await d.call('profile.create', { officerId: 'paul', name: 'Paul', passphrase: 'another long passphrase' });
    await d.call('profile.lock');
    const before = snapshot(d.root);
    expect((await d.fail('profile.create', { officerId: 'paul', name: 'Paul', passphrase: 'another long passphrase' })).code).toBe('keystore_exists');
    expect((await d.fail('profile.create', { officerId: 'paula', name: 'Paula', passphrase: 'short' })).code).toBe('invalid_input');
    for (const officerId of ['../evil', 'Paul', '.hidden', 'a/b', '']) {
      expect((await d.fail('profile.create', { officerId, name: 'X', passphrase: 'a long enough passphrase' })).code, officerId).toBe('invalid_input');
    }
    expect((await d.fail('profile.create', { officerId: 'zed', name: ' padded ', passphrase: 'a long enough passphrase' })).code).toBe('invalid_input');
    expect(snapshot(d.root)).toEqual(before);
    expect(existsSync(join(d.dataDir, 'profiles', 'paula'))).toBe(false);
  }, 60_000);
});
