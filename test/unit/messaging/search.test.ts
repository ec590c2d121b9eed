import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '../../../main/messaging/channels';
import { receiveEnvelope } from '../../../main/messaging/receive';
import { searchNotes } from '../../../main/messaging/search';
import { sendNote } from '../../../main/messaging/send';
import { importFiles } from '../../../main/trust/import';
import { RevocationList } from '../../../main/trust/objects';
import { createSigned, encodeSigned } from '../../../main/trust/signed';
import { ATOMAL, FRA, GBR, REL_NATO, T0, buildAlliance, type Alliance } from '../../helpers/alliance';

/** Search finds only notes the viewer may read now: own credential in force and the ACDF on each label. */
describe('search over readable notes', () => {
  let a: Alliance;
  let channelId: string;
  let other: string;

  beforeAll(async () => {
    a = await buildAlliance(
      [
        { agency: 'fr-dgsi', officerId: 'alice', classifications: [1, 2, 3, 4], categories: [FRA, REL_NATO] },
        { agency: 'uk-demo', officerId: 'bob', classifications: [1, 2, 3, 4], categories: [GBR, REL_NATO] },
      ],
      [{ between: ['fr-dgsi', 'uk-demo'], ceiling: 4, categories: [FRA, GBR, REL_NATO] }],
    );
    const alice = a.p('alice');
    const bob = a.p('bob');
    const created = createChannel(alice.ctx, { name: 'Budget', members: [bob] });
    channelId = created.channelId;
    receiveEnvelope(bob.ctx, created.envelope);
    other = createChannel(alice.ctx, { name: 'Other', members: [bob] }).channelId;
    sendNote(alice.ctx, { channelId, label: a.label('NATO RESTRICTED REL TO FRA, GBR'), text: 'budget alpha for the mission' });
    const fromBob = sendNote(bob.ctx, { channelId, label: a.label('NATO SECRET REL TO FRA, GBR'), text: 'budget bravo, revised' });
    expect(receiveEnvelope(alice.ctx, fromBob.envelope).status).toBe('stored');
    sendNote(alice.ctx, { channelId: other, label: a.label('NATO UNCLASSIFIED'), text: 'budget foxtrot elsewhere' });
    // Notes held from an earlier, higher clearance (stored directly: the pipelines would not accept them now).
    const sender = { agency: 'fr-dgsi', officerId: 'alice', serial: alice.credential.body.serial };
    const held = (noteId: string, marking: string, body: string) =>
      alice.ctx.notes.insertNote({ noteId, channelId, direction: 'in', kind: 'note', sender, senderSeq: 900 + noteId.length, sentAt: T0, receivedAt: T0, label: a.label(marking), body });
    held('held-cts', 'COSMIC TOP SECRET REL TO NATO', 'budget delta cosmic');
    held('held-atomal-x', 'NATO SECRET ATOMAL REL TO NATO', 'budget echo atomal');
    held('held-rel-deu-xx', 'NATO SECRET REL TO DEU', 'budget golf for Germany');
    expect(ATOMAL.lacv).toBe(1);
  }, 60_000);
  afterAll(() => a?.close());

  const bodies = (query: string, channel?: string) => searchNotes(a.p('alice').ctx, query, channel === undefined ? {} : { channelId: channel })
      .filter((n) => n.kind === 'note')
      .map((n) => n.body)
      .sort();

  it('returns the readable matches only', () => {
    expect(bodies('budget')).toEqual(['budget alpha for the mission', 'budget bravo, revised', 'budget foxtrot elsewhere']);
    expect(bodies('cosmic')).toEqual([]);
    expect(bodies('atomal')).toEqual([]);
    expect(bodies('Germany')).toEqual([]);
    expect(bodies('budget', other)).toEqual(['budget foxtrot elsewhere']);
    // Control notes are searchable too (a channel's name is in its create note), under the same rule.
    expect(searchNotes(a.p('alice').ctx, 'Budget').filter((n) => n.kind === 'control').map((n) => n.channelId)).toEqual([channelId]);
  });

  it('audits the search with its result count, never the query', () => {
    const alice = a.p('alice');
    alice.audit.events.splice(0);
    searchNotes(alice.ctx, 'bravo revised');
    expect(alice.audit.events).toEqual([expect.objectContaining({ type: 'search_run', outcome: 'ok', details: { results: 1 } })]);
    expect(JSON.stringify(alice.audit.events)).not.toMatch(/bravo|revised/);
  });

  it('survives query text that is FTS syntax', () => {
    for (const q of ['"', 'budget" OR "delta', 'NOT budget', '*', 'budget*', 'body:delta', '(', 'NEAR(budget delta)', '\u0000', '']) {
      const found = bodies(q);
      expect(found.some((b) => /delta|echo|golf/.test(b)), q).toBe(false);
    }
  });

  it('finds nothing once the own credential is revoked', () => {
    const alice = a.p('alice');
    const crl = createSigned(RevocationList, { agency: 'fr-dgsi', sequence: 1, issued: '2026-05-30T00:00:00Z', serials: [alice.credential.body.serial] }, 'issuer', a.roots['fr-dgsi'].secretKey);
    importFiles(alice.profile, alice.identity, [{ name: 'fr.crl', bytes: new TextEncoder().encode(encodeSigned(crl)) }], { now: T0 });
    expect(bodies('budget')).toEqual([]);
    expect(() => sendNote(alice.ctx, { channelId, label: a.label('NATO UNCLASSIFIED'), text: 'x' })).toThrow(expect.objectContaining({ code: 'credential_revoked' }));
  });

  it('reports only events the audit log accepts', () => {
    expect(a.checkAudit()).toBeGreaterThan(0);
  });
});
