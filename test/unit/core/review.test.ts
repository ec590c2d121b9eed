import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { desktop, removePristineDemo, type Desktop } from '../../helpers/desktop';
import { snapshot } from '../../helpers/profile';
import { AUDIT_EVENT_TYPES as MAIN_TYPES } from '../../../main/audit/events';
import { AUDIT_EVENT_TYPES } from '../../../shared/api/audit-schemas';

/**
 * Partners, audit review and settings through the real dispatch, as Camille of the demo alliance:
 * agencies, agreements with their ceilings and officers with safety numbers; filtered pages, counts
 * per day, verification naming the first broken entry, the export into exports/ only; settings
 * checked, recorded and applied.
 */
const NATO = '1.3.26.1.3.1';

let d: Desktop;
beforeAll(async () => {
  d = await desktop();
  await d.unlockDemo('camille');
}, 120_000);
afterAll(async () => {
  await d.close();
  removePristineDemo();
});

const db = async () => (await d.service.core.sessions.require()).profile.db.connection;
const auditCount = async () => Number((await db()).prepare('SELECT count(*) FROM audit_log', { pluck: true }).get());

describe('partners', () => {
  it('lists agencies, agreements with their ceilings, and officers with safety numbers', async () => {
    const p = await d.call('partners.list');
    expect(p.agencies.map((a) => [a.id, a.own])).toEqual([
      ['de-demo', false],
      ['fr-demo', true],
      ['uk-demo', false],
    ]);
    expect(p.agencies[0]?.fingerprint).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4})+$/);
    const ceilings = Object.fromEntries(p.agreements.map((a) => [`${a.proposer}-${a.partner}`, [a.state, a.ceiling?.marking, a.ceilingMarking]]));
    expect(ceilings).toEqual({
      'fr-demo-uk-demo': ['in_force', 'NATO SECRET', 'NATO SECRET REL TO FRA, GBR'],
      'fr-demo-de-demo': ['in_force', 'NATO RESTRICTED', 'NATO RESTRICTED REL TO DEU, FRA'],
      'uk-demo-de-demo': ['in_force', 'NATO RESTRICTED', 'NATO RESTRICTED REL TO DEU, GBR'],
    });
    expect(p.officers.map((o) => o.officerId)).toEqual(['jonas', 'lucas', 'alex']);
    const alex = p.officers.find((o) => o.officerId === 'alex');
    expect(alex).toMatchObject({ agency: 'uk-demo', name: 'Alex Morgan', nationality: 'GBR', standing: 'in_force', verified: false, keyChanged: false, sendable: true });
    expect(alex?.clearance).toContain('SECRET');
    expect(alex?.safetyNumber).toHaveLength(12);
  });

  it('verifies a safety number read out, refuses a wrong one, and records both', async () => {
    const lucas = (await d.call('partners.list')).officers.find((o) => o.officerId === 'lucas');
    expect((await d.fail('partners.verify', { agency: 'fr-demo', officerId: 'lucas', safetyNumber: '0'.repeat(60) })).code).toBe('safety_number_mismatch');
    expect(await d.call('partners.verify', { agency: 'fr-demo', officerId: 'lucas', safetyNumber: lucas?.safetyNumber.join('') })).toMatchObject({ verified: true });
    const { entries } = await d.call('audit.page', { types: ['safety_number_verified'] });
    expect(entries.map((e) => e.outcome)).toEqual(['ok', 'refused']);
    expect((await d.fail('partners.verify', { agency: 'fr-demo', officerId: 'nobody', safetyNumber: '1' })).code).toBe('peer_unknown');
    expect((await d.fail('partners.verify', { agency: '../fr', officerId: 'lucas', safetyNumber: '1' })).code).toBe('invalid_input');
    expect((await d.fail('partners.verify', { agency: 'fr-demo', officerId: 'lucas', safetyNumber: '1'.repeat(201) })).code).toBe('invalid_input');
  });
});

describe('audit review', () => {
  it('knows the same event catalog as the audit log', () => {
    expect([...AUDIT_EVENT_TYPES]).toEqual([...MAIN_TYPES]);
  });

  it('pages the history newest first, filtered, with markings', async () => {
    const all = await d.call('audit.page', { limit: 5 });
    expect(all.entries).toHaveLength(5);
    expect(all.entries[0]?.seq).toBeGreaterThan(all.entries[4]?.seq ?? Infinity);
    const older = await d.call('audit.page', { limit: 5, before: all.next });
    expect(older.entries[0]?.seq).toBe((all.entries[4]?.seq ?? 0) - 1);
    const secret = await d.call('audit.page', { atOrAbove: { policyId: NATO, classification: 4 }, limit: 200 });
    expect(secret.entries.length).toBeGreaterThan(0);
    expect(secret.entries.every((e) => (e.label?.classification ?? 0) >= 4)).toBe(true);
    expect(secret.entries.find((e) => e.type === 'note_sealed')?.marking).toBe('NATO SECRET REL TO FRA, GBR');
    const refused = await d.call('audit.page', { outcomes: ['refused'], types: ['safety_number_verified'] });
    expect(refused.entries.map((e) => e.type)).toEqual(['safety_number_verified']);
    expect((await d.fail('audit.page', { atOrAbove: { policyId: NATO, classification: 42 } })).code).toBe('invalid_input');
    expect((await d.fail('audit.page', { types: ['not_an_event'] })).code).toBe('invalid_input');
    expect((await d.fail('audit.page', { limit: 1000 })).code).toBe('invalid_input');
  });

  it('counts entries per day and classification', async () => {
    const { days } = await d.call('audit.counts', {});
    const total = days.reduce((n, x) => n + x.count, 0);
    expect(total).toBe(await auditCount());
    expect(days.find((x) => x.classification === 4)).toMatchObject({ policyId: NATO, marking: 'NATO SECRET', color: '#C8102E' });
    expect(days.find((x) => x.classification === null)).toMatchObject({ marking: null });
    const high = await d.call('audit.counts', { atOrAbove: { policyId: NATO, classification: 4 } });
    expect(high.days.every((x) => x.classification === 4 || x.classification === 5)).toBe(true);
  });

  it('exports into exports/ only, never over a file, never elsewhere', async () => {
    const r = await d.call('audit.export', {});
    expect(r.file.startsWith(join(d.dataDir, 'exports'))).toBe(true);
    expect(existsSync(r.manifest)).toBe(true);
    expect(readFileSync(r.file, 'utf8').trim().split('\n')).toHaveLength(r.count);
    const named = await d.call('audit.export', { name: 'for-security-officer.jsonl' });
    expect(named.file).toBe(join(d.dataDir, 'exports', 'for-security-officer.jsonl'));
    expect((await d.fail('audit.export', { name: 'for-security-officer.jsonl' })).code).toBe('file_unwritable');

    // A link planted in exports/ is not followed.
    const outside = join(d.root, 'outside.txt');
    writeFileSync(outside, 'untouched');
    symlinkSync(outside, join(d.dataDir, 'exports', 'planted.jsonl'));
    expect((await d.fail('audit.export', { name: 'planted.jsonl' })).code).toBe('file_unwritable');
    expect(readFileSync(outside, 'utf8')).toBe('untouched');

    const before = snapshot(d.root);
    for (const name of ['../escape.jsonl', '/etc/passwd', 'a/b.jsonl', '..', '.hidden', 'x'.repeat(101), 'a\u0000b', 'a..b', 'C:\\x', '', ' x']) {
      expect((await d.fail('audit.export', { name })).code, name).toBe('invalid_input');
    }
    expect(snapshot(d.root)).toEqual(before);
    expect(readdirSync(d.root).sort()).toEqual(['demo', 'outside.txt', 'userdata']);
  });

  it('verifies the history, then names the first entry altered behind the app\'s back', async () => {
    const ok = await d.call('audit.verify');
    expect(ok).toMatchObject({ ok: true, problem: null });
    expect(ok.entries).toBe(await auditCount() - 1);
    // What someone holding the database key could do, on a copy of the demo.
    const e = await desktop();
    try {
      await e.unlockDemo('camille');
      const conn = (await e.service.core.sessions.require()).profile.db.connection;
      conn.exec('DROP TRIGGER audit_log_no_update');
      const entry = String(conn.prepare('SELECT entry FROM audit_log WHERE seq = 7', { pluck: true }).get());
      conn.prepare('UPDATE audit_log SET entry = ? WHERE seq = 7').run([entry.replace('"outcome":"ok"', '"outcome":"failed"')]);
      const broken = await e.call('audit.verify');
      expect(broken).toMatchObject({ ok: false, entries: 6, problem: { code: 'audit_chain_broken', kind: 'modified', seq: 7 } });
      const { entries } = await e.call('audit.page', { types: ['audit_verified'], limit: 1 });
      expect(entries[0]).toMatchObject({ outcome: 'failed', code: 'audit_chain_broken', details: { firstBadSeq: 7 } });
    } finally {
      await e.close();
    }
  });
});

describe('settings', () => {
  it('starts from the defaults', async () => {
    expect(await d.call('settings.get')).toEqual({ language: 'en', ceiling: null, sessionMode: 'normal', autoLockMinutes: 10, notificationLevel: null, contentProtectionLevel: null, relayUrl: null });
  });

  it('stores a change, records what changed, and records nothing when nothing changed', async () => {
    const next = await d.call('settings.set', { language: 'fr', notificationLevel: { policyId: NATO, classification: 2 }, contentProtectionLevel: { policyId: NATO, classification: 1 }, relayUrl: 'ws://127.0.0.1:9' });
    expect(next).toMatchObject({ language: 'fr', notificationLevel: { classification: 2 }, relayUrl: 'ws://127.0.0.1:9' });
    expect(await d.call('getPrefs')).toMatchObject({ language: 'fr' });
    const { entries } = await d.call('audit.page', { types: ['settings_changed'], limit: 1 });
    expect(entries[0]?.details).toEqual({ changed: ['notificationLevel', 'contentProtectionLevel', 'relayUrl', 'language'], notificationLevel: `${NATO}/2`, contentProtectionLevel: `${NATO}/1`, relayUrl: 'set', language: 'fr' });
    const count = await auditCount();
    await d.call('settings.set', { language: 'fr', relayUrl: 'ws://127.0.0.1:9' });
    expect(await auditCount()).toBe(count);
    // Kept in the profile: a restart of the app finds them.
    await d.call('profile.lock');
    d.restart();
    await d.unlockDemo('camille');
    expect(await d.call('settings.get')).toMatchObject({ notificationLevel: { classification: 2 }, relayUrl: 'ws://127.0.0.1:9' });
    await d.call('settings.set', { language: 'en', relayUrl: null, notificationLevel: null, contentProtectionLevel: null });
  });

  it('refuses levels of unknown policies or classifications and malformed values, changing nothing', async () => {
    const count = await auditCount();
    const before = await d.call('settings.get');
    const cases: [unknown, string][] = [
      [{ ceiling: { policyId: '1.2.3.4', classification: 1 } }, 'label_unknown_policy'],
      [{ ceiling: { policyId: NATO, classification: 42 } }, 'label_invalid'],
      [{ notificationLevel: { policyId: NATO, classification: -1 } }, 'invalid_input'],
      [{ autoLockMinutes: 0 }, 'invalid_input'],
      [{ autoLockMinutes: 481 }, 'invalid_input'],
      [{ autoLockMinutes: 2.5 }, 'invalid_input'],
      [{ sessionMode: 'holiday' }, 'invalid_input'],
      [{ relayUrl: 'http://127.0.0.1:9' }, 'invalid_input'],
      [{ relayUrl: 'ws://' + 'a'.repeat(3000) }, 'invalid_input'],
      [{ language: 'de' }, 'invalid_input'],
      [{ theme: 'dark' }, 'invalid_input'],
    ];
    for (const [input, code] of cases) expect((await d.fail('settings.set', input)).code, JSON.stringify(input).slice(0, 50)).toBe(code);
    expect(await d.call('settings.get')).toEqual(before);
    expect(await auditCount()).toBe(count);
  });
});
