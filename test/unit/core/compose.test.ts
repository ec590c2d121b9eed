import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createIdentity, enrolmentRequest } from '../../../main/identity/officer';
import { passphraseBytes } from '../../../main/identity/passphrase';
import { parseLabelMarking, type Label } from '../../../main/policy';
import { AgencyFolder } from '../../../main/trust/agency-folder';
import { issueCredential } from '../../../main/trust/issue';
import { encodeSigned } from '../../../main/trust/signed';
import { storeSnapshot } from '../../helpers/alliance';
import { desktop, removePristineDemo, type Desktop } from '../../helpers/desktop';
import { newProfile } from '../../helpers/profile';
import { tempDir } from '../../helpers/tmp';

/**
 * Compose and send through the real dispatch on the demo alliance: the catalog, the live preview with
 * who is withheld and why, and each refusal (above the sender's clearance or the workstation's,
 * above every agreement ceiling, nobody eligible, a key change not verified), each changing nothing.
 */
const NATO = '1.3.26.1.3.1';

let d: Desktop;
let channelId: string;
let L: (marking: string) => Label;
beforeAll(async () => {
  d = await desktop();
  channelId = d.manifest.channelId;
  await d.unlockDemo('camille');
  const nato = (await d.service.core.sessions.require()).ctx.registry.get(NATO);
  if (nato === undefined) throw new Error('NATO not loaded');
  L = (marking) => parseLabelMarking(nato, marking);
}, 120_000);
afterAll(async () => {
  await d.close();
  removePristineDemo();
});

const store = async (): Promise<string> => storeSnapshot((await d.service.core.sessions.require()).profile);
const withheldCodes = (p: { recipients: { withheld: { officer: { officerId: string }; reasons: { code: string }[] }[] } }) =>
  Object.fromEntries(p.recipients.withheld.map((w) => [w.officer.officerId, [...new Set(w.reasons.map((r) => r.code))].sort()]));

describe('the catalog', () => {
  it('offers the policy of the clearance with EN/FR names and colours, and what is allowed here', async () => {
    const c = await d.call('compose.catalog');
    expect(c.policyName).toBe('NATO');
    expect(c.classifications.map((x) => [x.name, x.names.en, x.names.fr, x.allowed])).toEqual([
      ['UNCLASSIFIED', 'NATO UNCLASSIFIED', 'NATO SANS CLASSIFICATION', true],
      ['RESTRICTED', 'NATO RESTRICTED', 'NATO DIFFUSION RESTREINTE', true],
      ['CONFIDENTIAL', 'NATO CONFIDENTIAL', 'NATO CONFIDENTIEL', true],
      ['SECRET', 'NATO SECRET', 'NATO SECRET', true],
      ['TOP SECRET', 'COSMIC TOP SECRET', 'COSMIC TRÈS SECRET', false],
    ]);
    expect(c.classifications[3]?.color).toBe('#C8102E');
    expect(c.categories.find((x) => x.held)?.ref).toEqual({ tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 250 });
    expect(c.policies.map((p) => p.name).sort()).toEqual(['EU', 'FR-DEMO', 'NATO', 'UK-DEMO']);
    await d.call('settings.set', { ceiling: { policyId: NATO, classification: 3 } });
    expect((await d.call('compose.catalog')).classifications.map((x) => x.allowed)).toEqual([true, true, true, false, false]);
    await d.call('settings.set', { ceiling: null });
    expect((await d.fail('compose.catalog', { policyId: '1.2.3.4' })).code).toBe('label_unknown_policy');
  });
});

describe('the preview', () => {
  it('shows the marking and who gets a key, and who is withheld with every reason', async () => {
    const p = await d.call('compose.preview', { channelId, label: L('NATO SECRET REL TO FRA, GBR') });
    expect(p).toMatchObject({ marking: 'NATO SECRET REL TO FRA, GBR', color: '#C8102E', validation: { valid: true, reasons: [] }, refusal: null });
    expect(p.recipients.eligible).toEqual([{ agency: 'uk-demo', officerId: 'alex', name: 'Alex Morgan', agencyName: 'UK Liaison Office (demonstration)' }]);
    expect(withheldCodes(p)).toEqual({ jonas: ['above_ceiling', 'category_not_permitted', 'permissive_category_not_matched'], lucas: ['classification_not_cleared'] });
  });

  it('refuses above the sender\'s clearance, and above the workstation ceiling', async () => {
    expect((await d.call('compose.preview', { channelId, label: L('COSMIC TOP SECRET') })).refusal?.code).toBe('sender_not_cleared');
    await d.call('settings.set', { ceiling: { policyId: NATO, classification: 3 } });
    try {
      const p = await d.call('compose.preview', { channelId, label: L('NATO SECRET REL TO FRA, GBR') });
      expect(p.refusal).toMatchObject({ code: 'sender_not_cleared', message: expect.stringContaining('workstation') });
      const before = await store();
      expect((await d.fail('compose.send', { channelId, label: L('NATO SECRET REL TO FRA, GBR'), text: 'too high for this machine' })).code).toBe('sender_not_cleared');
      expect(await store()).toBe(before);
      const { entries } = await d.call('audit.page', { types: ['note_sealed'], limit: 1 });
      expect(entries[0]).toMatchObject({ outcome: 'refused', code: 'sender_not_cleared', channel: channelId });
    } finally {
      await d.call('settings.set', { ceiling: null });
    }
  });

  it('refuses when nobody may receive the label', async () => {
    const p = await d.call('compose.preview', { channelId, label: L('NATO SECRET REL TO FRA') });
    expect(p.refusal?.code).toBe('no_eligible_recipient');
    expect(p.recipients.eligible).toEqual([]);
    expect(Object.keys(withheldCodes(p)).sort()).toEqual(['alex', 'jonas', 'lucas']);
    const before = await store();
    expect((await d.fail('compose.send', { channelId, label: L('NATO SECRET REL TO FRA'), text: 'for nobody' })).code).toBe('no_eligible_recipient');
    expect(await store()).toBe(before);
  });

  it('reports invalid labels and malformed input without sending', async () => {
    const unknown = await d.call('compose.preview', { channelId, label: { policyId: '1.2.3.4', classification: 1, categories: [] } });
    expect(unknown).toMatchObject({ marking: null, validation: { valid: false }, refusal: { code: 'label_unknown_policy' } });
    const bogus = await d.call('compose.preview', { channelId, label: { policyId: NATO, classification: 42, categories: [] } });
    expect(bogus.refusal?.code).toBe('label_invalid');
    const before = await store();
    const cases: [unknown, string][] = [
      [{ channelId, label: L('NATO RESTRICTED'), text: 'x'.repeat(16_001) }, 'invalid_input'],
      [{ channelId, label: L('NATO RESTRICTED'), text: '' }, 'invalid_input'],
      [{ channelId, label: L('NATO RESTRICTED'), text: 'bell \u0007' }, 'invalid_input'],
      [{ channelId: 'nope', label: L('NATO RESTRICTED'), text: 'hello' }, 'channel_unknown'],
      [{ channelId, label: { ...L('NATO RESTRICTED'), extra: 1 }, text: 'hello' }, 'invalid_input'],
      [{ channelId, label: { policyId: NATO, classification: 2, categories: Array.from({ length: 5000 }, () => ({ tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 250 })) }, text: 'hello' }, 'invalid_input'],
      [{ channelId, label: { policyId: '1.2.3.4', classification: 1, categories: [] }, text: 'hello' }, 'label_unknown_policy'],
    ];
    for (const [input, code] of cases) expect((await d.fail('compose.send', input)).code).toBe(code);
    expect(await store()).toBe(before);
  });
});

describe('sending', () => {
  it('sends to the eligible, returns the note without its body, and queues it', async () => {
    const sent = await d.call('compose.send', { channelId, label: L('NATO RESTRICTED'), text: 'Lunch at noon.' });
    expect(sent.queued).toBe(true);
    expect(sent.note).toMatchObject({ direction: 'out', marking: 'NATO RESTRICTED', display: { show: true }, delivery: { state: 'queued' } });
    expect(sent.note.delivery?.recipients.map((r) => r.officerId).sort()).toEqual(['alex', 'jonas', 'lucas']);
    expect(JSON.stringify(sent)).not.toContain('Lunch');
    expect((await d.call('notes.body', { noteId: sent.note.noteId })).body).toBe('Lunch at noon.');
    const page = await d.call('notes.page', { channelId, limit: 1 });
    expect(page.notes[0]?.noteId).toBe(sent.note.noteId);
  });

  it('refuses what is above every agreement ceiling with that reason', async () => {
    const e = await desktop();
    try {
      await e.unlockDemo('jonas');
      const label = L('NATO CONFIDENTIAL');
      const p = await e.call('compose.preview', { channelId, label });
      expect(p.refusal?.code).toBe('agreement_ceiling_exceeded');
      expect(Object.values(withheldCodes(p))).toEqual([['above_ceiling'], ['above_ceiling'], ['above_ceiling']]);
      const s = await e.service.core.sessions.require();
      const before = storeSnapshot(s.profile);
      expect((await e.fail('compose.send', { channelId, label, text: 'over the ceiling' })).code).toBe('agreement_ceiling_exceeded');
      expect(storeSnapshot(s.profile)).toBe(before);
      const { entries } = await e.call('audit.page', { types: ['note_sealed'], limit: 1 });
      expect(entries[0]).toMatchObject({ outcome: 'refused', code: 'agreement_ceiling_exceeded', marking: 'NATO CONFIDENTIAL' });
      expect((await e.call('compose.preview', { channelId, label: L('NATO RESTRICTED') })).refusal).toBeNull();
    } finally {
      await e.close();
    }
  }, 60_000);

  it('withholds an officer whose keys changed until the safety number is verified', async () => {
    // Alex re-enrols with new keys and uk-demo issues a credential for them; Camille imports it.
    const tmp = tempDir();
    try {
      const other = await newProfile(join(tmp.path, 'alex2'));
      const request = enrolmentRequest(createIdentity(other, 'alex', 'Alex Morgan'));
      other.lock();
      const credential = await issueCredential(AgencyFolder.open(join(d.demoDir, 'agencies', 'uk-demo')), passphraseBytes('demo uk-demo agency'), request, {
        clearance: { policyId: NATO, classifications: [1, 2, 3, 4], categories: [{ tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 826 }] },
        notBefore: Date.now() - 1000,
        validDays: 30,
      });
      const imported = await d.call('profile.import', { files: [{ name: 'alex.cred.json', data: Buffer.from(encodeSigned(credential)).toString('base64') }] });
      expect(imported.results[0]).toMatchObject({ ok: true, keyChanged: true });
    } finally {
      tmp.remove();
    }
    const alex = (await d.call('partners.list')).officers.find((o) => o.officerId === 'alex');
    expect(alex).toMatchObject({ keyChanged: true, verified: false, sendable: false });
    const p = await d.call('compose.preview', { channelId, label: L('NATO SECRET REL TO FRA, GBR') });
    expect(p.refusal?.code).toBe('no_eligible_recipient');
    expect(withheldCodes(p).alex).toContain('key_change_unverified');
    expect((await d.fail('partners.verify', { agency: 'uk-demo', officerId: 'alex', safetyNumber: '12345 '.repeat(12) })).code).toBe('safety_number_mismatch');
    const verified = await d.call('partners.verify', { agency: 'uk-demo', officerId: 'alex', safetyNumber: (alex?.safetyNumber ?? []).join(' ') });
    expect(verified).toMatchObject({ verified: true, keyChanged: false, sendable: true });
    expect(withheldCodes(await d.call('compose.preview', { channelId, label: L('NATO SECRET REL TO FRA, GBR') })).alex).not.toContain('key_change_unverified');
  }, 60_000);
});
