import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../../main/crypto/envelope';
import { addMembers, createChannel, removeMembers, renameChannel } from '../../../main/messaging/channels';
import { CONTENT_VERSION, encodeContent, type Content } from '../../../main/messaging/content';
import { receiveEnvelope } from '../../../main/messaging/receive';
import { sendNote } from '../../../main/messaging/send';
import { FRA, GBR, REL_NATO, buildAlliance, sealAs, storeSnapshot, type Alliance, type WithProfile } from '../../helpers/alliance';

const ref = (m: { agency: string; officerId: string }) => ({ agency: m.agency, officerId: m.officerId });

/** Channels are created and changed only by signed control notes from their administrator. */
describe('channels by control notes', () => {
  let a: Alliance;
  let admin: WithProfile;
  let bob: WithProfile;
  let carol: WithProfile;
  let erin: WithProfile;
  let channelId: string;
  let seq = 1000;

  const deliver = (envelope: Uint8Array, to: WithProfile[]) => {
    for (const p of to) {
      const got = receiveEnvelope(p.ctx, envelope);
      if (got.status !== 'stored') throw new Error(`${p.officerId}: ${got.code} ${got.message}`);
    }
  };
  const hostileControl = (from: WithProfile, to: WithProfile[], content: Content, channel = channelId) =>
    sealAs(from, { channel, kind: 'control', to, label: a.label('NATO UNCLASSIFIED'), plaintext: encodeContent(content), seq: seq++ });

  beforeAll(async () => {
    a = await buildAlliance(
      [
        { agency: 'fr-dgsi', officerId: 'admin', classifications: [1, 2, 3, 4] },
        { agency: 'uk-demo', officerId: 'bob', classifications: [1, 2, 3, 4] },
        { agency: 'uk-demo', officerId: 'carol', classifications: [1, 2, 3, 4] },
        { agency: 'uk-demo', officerId: 'erin', classifications: [1, 2, 3, 4] },
      ],
      [{ between: ['fr-dgsi', 'uk-demo'], ceiling: 4, categories: [FRA, GBR, REL_NATO] }],
    );
    [admin, bob, carol, erin] = ['admin', 'bob', 'carol', 'erin'].map((id) => a.p(id)) as [WithProfile, WithProfile, WithProfile, WithProfile];
  }, 60_000);
  afterAll(() => a?.close());

  it('creates: every member learns the channel, its name, members and administrator', () => {
    const created = createChannel(admin.ctx, { name: 'Ops', members: [ref(bob)] });
    channelId = created.channelId;
    expect(created.note.kind).toBe('control');
    deliver(created.envelope, [bob]);
    expect(bob.ctx.notes.channel(channelId)).toMatchObject({ name: 'Ops', admin: ref(admin), members: [ref(admin), ref(bob)] });
    expect(admin.audit.events.find((e) => e.type === 'channel_created')).toMatchObject({ actor: 'self', subjects: [channelId], details: { members: ['fr-dgsi/admin', 'uk-demo/bob'] } });
    expect(bob.audit.events.find((e) => e.type === 'channel_created')).toMatchObject({ actor: 'fr-dgsi/admin', subjects: [channelId] });
  });

  it('renames, by the administrator only', () => {
    const renamed = renameChannel(admin.ctx, channelId, 'Ops – north');
    deliver(renamed.envelope, [bob]);
    expect(bob.ctx.notes.channel(channelId)?.name).toBe('Ops – north');
    expect(admin.ctx.notes.channel(channelId)?.name).toBe('Ops – north');
    expect(bob.audit.events.some((e) => e.type === 'channel_renamed' && e.actor === 'fr-dgsi/admin')).toBe(true);
    expect(() => renameChannel(bob.ctx, channelId, 'mine now')).toThrow(expect.objectContaining({ code: 'channel_not_admin' }));
  });

  it('adds: the added member learns the whole channel from the add note', () => {
    const added = addMembers(admin.ctx, channelId, [ref(carol)]);
    expect(parseEnvelope(added.envelope).header.recipients.map((r) => r.officerId)).toEqual(['bob', 'carol']);
    deliver(added.envelope, [bob, carol]);
    for (const p of [admin, bob, carol]) expect(p.ctx.notes.channel(channelId)?.members, p.officerId).toEqual([ref(admin), ref(bob), ref(carol)]);
    expect(carol.ctx.notes.channel(channelId)).toMatchObject({ name: 'Ops – north', admin: ref(admin) });
    // A member may write; the others open it.
    const note = sendNote(carol.ctx, { channelId, label: a.label('NATO RESTRICTED REL TO FRA, GBR'), text: 'carol here' });
    expect(note.eligible.map((r) => r.officerId)).toEqual(['admin', 'bob']);
    deliver(note.envelope, [admin, bob]);
    expect(() => addMembers(carol.ctx, channelId, [ref(erin)])).toThrow(expect.objectContaining({ code: 'channel_not_admin' }));
  });

  it('refuses changes signed by a member who is not the administrator, storing nothing', () => {
    const cases: [string, Content][] = [
      ['rename', { v: CONTENT_VERSION, type: 'control', op: 'rename', name: 'taken over' }],
      ['add', { v: CONTENT_VERSION, type: 'control', op: 'add', name: 'Ops – north', members: [ref(admin), ref(bob), ref(carol), ref(erin)], added: [ref(erin)] }],
      ['remove', { v: CONTENT_VERSION, type: 'control', op: 'remove', removed: [ref(bob)] }],
    ];
    for (const [what, content] of cases) {
      const envelope = hostileControl(carol, [admin, bob], content);
      for (const p of [admin, bob]) {
        const before = storeSnapshot(p.profile);
        expect(receiveEnvelope(p.ctx, envelope), `${what} at ${p.officerId}`).toMatchObject({ status: 'rejected', code: 'channel_not_admin' });
        expect(storeSnapshot(p.profile)).toBe(before);
      }
    }
    expect(bob.ctx.notes.channel(channelId)?.name).toBe('Ops – north');
    expect(() => removeMembers(bob.ctx, channelId, [ref(carol)])).toThrow(expect.objectContaining({ code: 'channel_not_admin' }));
  });

  it('refuses to re-create a known channel and notes from non-members', () => {
    const recreate = hostileControl(erin, [bob], { v: CONTENT_VERSION, type: 'control', op: 'create', name: 'Ops', members: [ref(bob), ref(erin)] });
    expect(receiveEnvelope(bob.ctx, recreate)).toMatchObject({ status: 'rejected', code: 'channel_exists' });
    const intrusion = sealAs(erin, { channel: channelId, to: [bob], label: a.label('NATO UNCLASSIFIED'), plaintext: encodeContent({ v: CONTENT_VERSION, type: 'note', text: 'let me in' }), seq: seq++ });
    expect(receiveEnvelope(bob.ctx, intrusion)).toMatchObject({ status: 'rejected', code: 'sender_not_member' });
    expect(bob.ctx.notes.count(channelId)).toBe(4);
  });

  it('removes: the removed member is told, and gets no key to any later note', () => {
    const removed = removeMembers(admin.ctx, channelId, [ref(bob)]);
    // The remove note goes to the remaining members and to the removed one.
    expect(parseEnvelope(removed.envelope).header.recipients.map((r) => r.officerId)).toEqual(['bob', 'carol']);
    deliver(removed.envelope, [bob, carol]);
    for (const p of [admin, bob, carol]) expect(p.ctx.notes.channel(channelId)?.members, p.officerId).toEqual([ref(admin), ref(carol)]);
    expect(carol.audit.events.find((e) => e.type === 'channel_membership_changed' && e.details?.removed !== undefined)).toMatchObject({ actor: 'fr-dgsi/admin', details: { removed: ['uk-demo/bob'] } });

    const later = sendNote(admin.ctx, { channelId, label: a.label('NATO UNCLASSIFIED'), text: 'after bob left' });
    expect(later.eligible.map((r) => r.officerId)).toEqual(['carol']);
    expect(parseEnvelope(later.envelope).header.recipients.map((r) => r.officerId)).toEqual(['carol']);
    const before = storeSnapshot(bob.profile);
    expect(receiveEnvelope(bob.ctx, later.envelope)).toMatchObject({ status: 'rejected', code: 'envelope_not_addressed' });
    expect(storeSnapshot(bob.profile)).toBe(before);
    deliver(later.envelope, [carol]);
    // Neither can the removed member still write to the channel.
    expect(() => sendNote(bob.ctx, { channelId, label: a.label('NATO UNCLASSIFIED'), text: 'still here?' })).toThrow(expect.objectContaining({ code: 'sender_not_member' }));
    // A member whose copy is stale and still addresses him: the removed member refuses it.
    const stale = sealAs(carol, { channel: channelId, to: [bob], label: a.label('NATO UNCLASSIFIED'), plaintext: encodeContent({ v: CONTENT_VERSION, type: 'note', text: 'stale' }), seq: seq++ });
    expect(receiveEnvelope(bob.ctx, stale)).toMatchObject({ status: 'rejected', code: 'channel_unknown' });
  });

  it('refuses channel changes the administrator cannot make', () => {
    expect(() => removeMembers(admin.ctx, channelId, [ref(admin)])).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => removeMembers(admin.ctx, channelId, [ref(erin)])).toThrow(expect.objectContaining({ code: 'channel_member_unknown' }));
    expect(() => addMembers(admin.ctx, channelId, [ref(carol)])).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => createChannel(admin.ctx, { name: 'Ghosts', members: [{ agency: 'uk-demo', officerId: 'ghost' }] })).toThrow(expect.objectContaining({ code: 'channel_member_unknown' }));
    expect(() => createChannel(admin.ctx, { name: 'Alone', members: [] })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => renameChannel(admin.ctx, 'AAAAAAAAAAAAAAAAAAAAAA', 'x')).toThrow(expect.objectContaining({ code: 'channel_unknown' }));
  });

  it('reports only events the audit log accepts', () => {
    expect(a.checkAudit()).toBeGreaterThan(0);
  });
});
