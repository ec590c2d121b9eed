import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../../main/crypto/envelope';
import { createChannel } from '../../../main/messaging/channels';
import { previewRecipients } from '../../../main/messaging/recipients';
import { receiveEnvelope } from '../../../main/messaging/receive';
import { sendNote } from '../../../main/messaging/send';
import { isPermissive, isRestrictive, refKey, type CategoryRef, type Label } from '../../../main/policy';
import { ATOMAL, DEU, FRA, GBR, REL_NATO, buildAlliance, storeSnapshot, type AgencyKey, type Alliance, type OfficerSpec } from '../../helpers/alliance';

/**
 * The need-to-know matrix: clearances × labels × agreements. A French sender writes to one channel
 * holding an officer of each clearance in each relation to its agency (the same agency; a partner
 * whose agreement has a SECRET ceiling; one whose agreement has a CONFIDENTIAL ceiling and other
 * categories; an agency with no agreement). For every cell the expected outcome comes from a small
 * independent oracle written from the rules (DESIGN.md §2–§4), not from the code under test; the
 * eligible really open and store the note, the withheld get no wrapped key.
 */

const CLEARANCES = {
  nr: { classifications: [1, 2], extra: [] as CategoryRef[] },
  ns: { classifications: [1, 2, 3, 4], extra: [] as CategoryRef[] },
  cts: { classifications: [1, 2, 3, 4, 5], extra: [ATOMAL] },
};
type ClearanceKey = keyof typeof CLEARANCES;

/** The sender's agency partners: the agreement each has with fr-dgsi (undefined: none). */
const RELATIONS: Record<string, { agency: AgencyKey; agreement: { ceiling: number; categories: CategoryRef[] } | 'same' | undefined }> = {
  fr: { agency: 'fr-dgsi', agreement: 'same' },
  uk: { agency: 'uk-demo', agreement: { ceiling: 4, categories: [FRA, GBR, REL_NATO] } },
  de: { agency: 'de-demo', agreement: { ceiling: 3, categories: [FRA, DEU, REL_NATO, ATOMAL] } },
  it: { agency: 'it-demo', agreement: undefined },
};
const COUNTRY: Record<AgencyKey, CategoryRef> = { 'fr-dgsi': FRA, 'uk-demo': GBR, 'de-demo': DEU, 'it-demo': { tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 380 } };

const MARKINGS = [
  'NATO UNCLASSIFIED',
  'NATO RESTRICTED REL TO NATO',
  'NATO CONFIDENTIAL REL TO NATO',
  'NATO SECRET REL TO NATO',
  'COSMIC TOP SECRET REL TO NATO',
  'NATO SECRET REL TO FRA, GBR',
  'NATO CONFIDENTIAL REL TO DEU, FRA',
  'NATO SECRET ATOMAL REL TO NATO',
  'NATO CONFIDENTIAL ATOMAL REL TO NATO',
  'COSMIC TOP SECRET ATOMAL',
];

interface Recipient {
  id: string;
  relation: string;
  clearance: ClearanceKey;
  classifications: number[];
  categories: CategoryRef[];
}

const recipients: Recipient[] = Object.keys(RELATIONS).flatMap((relation) =>
  (Object.keys(CLEARANCES) as ClearanceKey[]).map((clearance) => {
    const c = CLEARANCES[clearance];
    const agency = (RELATIONS[relation] as (typeof RELATIONS)[string]).agency;
    return { id: `${relation}-${clearance}`, relation, clearance, classifications: c.classifications, categories: [COUNTRY[agency], REL_NATO, ...c.extra] };
  }),
);

/** The rules, restated: reason codes a recipient is withheld for (empty: eligible). */
function oracle(r: Recipient, label: Label): string[] {
  const codes = new Set<string>();
  const relation = RELATIONS[r.relation]?.agreement;
  const held = new Set(r.categories.map(refKey));
  const access = label.categories.filter((c) => isRestrictive(c.tagType) || isPermissive(c.tagType));
  if (relation === undefined) codes.add('no_agreement');
  else if (relation !== 'same') {
    if (label.classification > relation.ceiling) codes.add('above_ceiling');
    const permitted = new Set(relation.categories.map(refKey));
    if (access.some((c) => !permitted.has(refKey(c)))) codes.add('category_not_permitted');
  }
  if (!r.classifications.includes(label.classification)) codes.add('classification_not_cleared');
  if (label.categories.some((c) => isRestrictive(c.tagType) && !held.has(refKey(c)))) codes.add('restrictive_category_not_held');
  const permissive = label.categories.filter((c) => isPermissive(c.tagType));
  if (permissive.length > 0 && !permissive.some((c) => held.has(refKey(c)))) codes.add('permissive_category_not_matched');
  return [...codes].sort();
}

describe('need-to-know: clearances × labels × agreements', () => {
  let a: Alliance;
  let channelId: string;

  beforeAll(async () => {
    const officers: OfficerSpec[] = [
      { agency: 'fr-dgsi', officerId: 'sender', classifications: [1, 2, 3, 4, 5], categories: [FRA, REL_NATO, ATOMAL] },
      ...recipients.map((r) => ({ agency: (RELATIONS[r.relation] as (typeof RELATIONS)[string]).agency, officerId: r.id, classifications: r.classifications, categories: r.categories })),
    ];
    const agreements = Object.values(RELATIONS).flatMap((rel) => (typeof rel.agreement === 'object' ? [{ between: ['fr-dgsi', rel.agency] as [AgencyKey, AgencyKey], ceiling: rel.agreement.ceiling, categories: rel.agreement.categories }] : []));
    a = await buildAlliance(officers, agreements);
    const created = createChannel(a.p('sender').ctx, { name: 'Matrix', members: recipients.map((r) => a.get(r.id)) });
    channelId = created.channelId;
    // The control note (NATO UNCLASSIFIED) reaches every member an agreement covers; no-agreement members never learn the channel.
    expect(created.withheld.map((w) => w.officer.officerId).sort()).toEqual(['it-cts', 'it-nr', 'it-ns']);
    for (const r of created.eligible) expect(receiveEnvelope(a.p(r.officerId).ctx, created.envelope).status).toBe('stored');
  }, 120_000);
  afterAll(() => a?.close());

  it('the oracle is not vacuous: the matrix holds eligible and withheld cells for every reason', () => {
    const all = MARKINGS.flatMap((m) => recipients.map((r) => oracle(r, a.label(m))));
    expect(all.filter((c) => c.length === 0).length).toBeGreaterThan(10);
    expect(new Set(all.flat())).toEqual(new Set(['no_agreement', 'above_ceiling', 'category_not_permitted', 'classification_not_cleared', 'restrictive_category_not_held', 'permissive_category_not_matched']));
  });

  for (const marking of MARKINGS) {
    it(`${marking}: each member eligible or withheld as the rules say, and only the eligible open it`, () => {
      const label = a.label(marking);
      const sender = a.p('sender');
      const preview = previewRecipients(sender.ctx, channelId, label);
      const expected = recipients.map((r) => [r.id, oracle(r, label)] as const);
      const eligibleIds = expected.filter(([, codes]) => codes.length === 0).map(([id]) => id).sort();
      expect(preview.eligible.map((o) => o.officerId).sort()).toEqual(eligibleIds);
      const withheld = Object.fromEntries(preview.withheld.map((w) => [w.officer.officerId, [...new Set(w.reasons.map((x) => x.code))].sort()]));
      expect(withheld).toEqual(Object.fromEntries(expected.filter(([, codes]) => codes.length > 0)));

      if (eligibleIds.length === 0) {
        expect(() => sendNote(sender.ctx, { channelId, label, text: marking })).toThrow(expect.objectContaining({ code: 'no_eligible_recipient' }));
        return;
      }
      const sent = sendNote(sender.ctx, { channelId, label, text: `text under ${marking}` });
      const addressed = parseEnvelope(sent.envelope).header.recipients.map((e) => e.officerId).sort();
      expect(addressed).toEqual(eligibleIds);
      for (const r of recipients) {
        const ctx = a.p(r.id).ctx;
        const before = storeSnapshot(a.p(r.id).profile);
        const got = receiveEnvelope(ctx, sent.envelope);
        if (eligibleIds.includes(r.id)) {
          expect(got, r.id).toMatchObject({ status: 'stored', note: { body: `text under ${marking}`, label } });
        } else {
          expect(got, r.id).toMatchObject({ status: 'rejected', code: 'envelope_not_addressed' });
          expect(storeSnapshot(a.p(r.id).profile), r.id).toBe(before);
        }
      }
    });
  }

  it('a sender not cleared for the label cannot send it, whoever the recipients', () => {
    for (const marking of MARKINGS) {
      const label = a.label(marking);
      for (const r of recipients.filter((x) => x.relation === 'fr')) {
        const ctx = a.p(r.id).ctx;
        const cleared = oracle(r, label).length === 0;
        if (cleared) expect(() => previewRecipients(ctx, channelId, label), `${r.id} ${marking}`).not.toThrow();
        else expect(() => sendNote(ctx, { channelId, label, text: 'x' }), `${r.id} ${marking}`).toThrow(expect.objectContaining({ code: 'sender_not_cleared' }));
      }
    }
  });

  it('reports only events the audit log accepts', () => {
    expect(a.checkAudit()).toBeGreaterThan(0);
  });
});
