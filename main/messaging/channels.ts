import { EntenteError } from '../../shared/errors';
import { randomBytes } from '../crypto/sodium';
import type { Label } from '../policy';
import type { ChannelRecord } from '../store/note-store';
import { toBase64url } from '../trust/base64url';
import { CONTENT_VERSION, describeControl, sortOfficers, type ControlContent, type OfficerRef } from './content';
import { officerKeyText, ownCredential, sameOfficer, type MessagingContext } from './context';
import { sealAndStore, type SentNote } from './send';

/**
 * Channels are created and changed only by signed control notes (kind "control"), sealed and labelled
 * like any note, so every member learns each change from its administrator's signature, never from
 * a relay. The creator is the administrator; only the administrator renames, adds and removes.
 * A removed member is no longer a member, so later notes give it no key; the remove note itself
 * still goes to the removed officers, so their copy of the channel says they left it.
 *
 * Control notes are applied in the order they arrive; one that needs a channel not yet known here
 * (a note overtaking its channel's creation) is refused without being marked seen, so a later
 * redelivery succeeds.
 */

export interface ChannelChange extends SentNote {
  channelId: string;
}

/** The default label of a control note: the lowest classification of the sender's clearance policy, no categories. */
export function defaultControlLabel(ctx: MessagingContext): Label {
  const clearance = ownCredential(ctx).body.clearance;
  const policy = ctx.registry.get(clearance.policyId);
  if (policy === undefined) throw new EntenteError('label_unknown_policy', `Unknown policy id: ${clearance.policyId}`);
  const lowest = [...policy.classifications].sort((a, b) => a.hierarchy - b.hierarchy)[0];
  if (lowest === undefined) throw new EntenteError('label_unknown_policy', `policy ${policy.name} has no classification`);
  return { policyId: policy.id, classification: lowest.lacv, categories: [] };
}

const me = (ctx: MessagingContext): OfficerRef => {
  const c = ownCredential(ctx).body;
  return { agency: c.agency, officerId: c.officerId };
};

function requireCredentials(ctx: MessagingContext, officers: readonly OfficerRef[]): void {
  for (const o of officers) {
    if (ctx.trust.credentials({ own: false, agency: o.agency, officerId: o.officerId }).length === 0) {
      throw new EntenteError('channel_member_unknown', `${officerKeyText(o)} has no credential in this profile; import it first`);
    }
  }
}

function adminChannel(ctx: MessagingContext, channelId: string): { channel: ChannelRecord; self: OfficerRef } {
  const channel = ctx.notes.channel(channelId);
  if (channel === undefined) throw new EntenteError('channel_unknown', `there is no channel ${channelId} in this profile`);
  const self = me(ctx);
  if (!sameOfficer(channel.admin, self)) throw new EntenteError('channel_not_admin', "only the channel's administrator may change it");
  return { channel, self };
}

const isIn = (list: readonly OfficerRef[], o: OfficerRef): boolean => list.some((x) => sameOfficer(x, o));

function record(ctx: MessagingContext, type: 'channel_created' | 'channel_renamed' | 'channel_membership_changed', actor: string, channelId: string, details: Record<string, readonly string[] | string>): void {
  ctx.audit.record({ type, outcome: 'ok', actor, subjects: [channelId], channel: channelId, details });
}

const keys = (xs: readonly OfficerRef[]): string[] => xs.map(officerKeyText);

export interface NewChannel {
  name: string;
  /** The other members; the creator is added and becomes the administrator. */
  members: readonly OfficerRef[];
  label?: Label;
}

/** Seals a control note to `members` and applies its change locally in the same transaction. */
function sendControl(ctx: MessagingContext, channelId: string, label: Label | undefined, content: ControlContent, members: readonly OfficerRef[], apply: (at: number) => void): ChannelChange {
  const sent = sealAndStore(ctx, { channelId, kind: 'control', label: label ?? defaultControlLabel(ctx), content, members, body: describeControl(content), apply });
  return { ...sent, channelId };
}

export function createChannel(ctx: MessagingContext, input: NewChannel): ChannelChange {
  const self = me(ctx);
  const members = sortOfficers([...input.members, self]);
  if (members.length < 2) throw new EntenteError('invalid_input', 'a channel needs at least one other member');
  requireCredentials(ctx, members.filter((m) => !sameOfficer(m, self)));
  const channelId = toBase64url(randomBytes(16));
  const content: ControlContent = { v: CONTENT_VERSION, type: 'control', op: 'create', name: input.name.normalize('NFC'), members };
  return sendControl(ctx, channelId, input.label, content, members, (at) => {
    ctx.notes.createChannel({ channelId, name: content.name, admin: self, members, createdAt: at });
    record(ctx, 'channel_created', 'self', channelId, { members: keys(members) });
  });
}

export function renameChannel(ctx: MessagingContext, channelId: string, name: string, label?: Label): ChannelChange {
  const { channel } = adminChannel(ctx, channelId);
  const content: ControlContent = { v: CONTENT_VERSION, type: 'control', op: 'rename', name: name.normalize('NFC') };
  return sendControl(ctx, channelId, label, content, channel.members, (at) => {
    ctx.notes.renameChannel(channelId, content.name, at);
    record(ctx, 'channel_renamed', 'self', channelId, {});
  });
}

export function addMembers(ctx: MessagingContext, channelId: string, added: readonly OfficerRef[], label?: Label): ChannelChange {
  const { channel } = adminChannel(ctx, channelId);
  const fresh = sortOfficers(added).filter((o) => !isIn(channel.members, o));
  if (fresh.length === 0) throw new EntenteError('invalid_input', 'every officer given is already a member');
  requireCredentials(ctx, fresh);
  const members = sortOfficers([...channel.members, ...fresh]);
  const content: ControlContent = { v: CONTENT_VERSION, type: 'control', op: 'add', name: channel.name, members, added: fresh };
  return sendControl(ctx, channelId, label, content, members, (at) => {
    ctx.notes.addMembers(channelId, fresh, at);
    record(ctx, 'channel_membership_changed', 'self', channelId, { added: keys(fresh) });
  });
}

export function removeMembers(ctx: MessagingContext, channelId: string, removed: readonly OfficerRef[], label?: Label): ChannelChange {
  const { channel, self } = adminChannel(ctx, channelId);
  const gone = sortOfficers(removed);
  if (gone.length === 0) throw new EntenteError('invalid_input', 'name at least one member to remove');
  if (isIn(gone, self)) throw new EntenteError('invalid_input', 'the administrator cannot remove itself');
  for (const o of gone) if (!isIn(channel.members, o)) throw new EntenteError('channel_member_unknown', `${officerKeyText(o)} is not a member of this channel`);
  const content: ControlContent = { v: CONTENT_VERSION, type: 'control', op: 'remove', removed: gone };
  // Remaining and removed members alike: the removed learn that they left.
  return sendControl(ctx, channelId, label, content, channel.members, (at) => {
    ctx.notes.removeMembers(channelId, gone, at);
    record(ctx, 'channel_membership_changed', 'self', channelId, { removed: keys(gone) });
  });
}

// ---- receiving ------------------------------------------------------------------------------------

const malformed = (why: string) => new EntenteError('note_content_malformed', `the control note ${why}`);

/**
 * Checks a received control note against the channel as known here and returns the change to make
 * (in the receive transaction). Nothing is written here. Codes: channel_exists, channel_unknown,
 * channel_not_admin, note_content_malformed.
 */
export function planControl(ctx: MessagingContext, channelId: string, signer: OfficerRef, self: OfficerRef, c: ControlContent): (at: number) => void {
  const channel = ctx.notes.channel(channelId);
  const actor = officerKeyText(signer);
  const createFrom = (name: string, members: OfficerRef[]) => {
    if (!isIn(members, signer)) throw malformed('creates a channel its sender is not a member of');
    if (!isIn(members, self)) throw malformed('creates a channel this officer is not a member of');
    return (at: number) => {
      ctx.notes.createChannel({ channelId, name, admin: { ...signer }, members, createdAt: at });
      record(ctx, 'channel_created', actor, channelId, { members: keys(members) });
    };
  };
  if (c.op === 'create') {
    if (channel !== undefined) throw new EntenteError('channel_exists', 'the note creates a channel that already exists here');
    return createFrom(c.name, c.members);
  }
  if (channel === undefined) {
    // An officer added to a channel learns it from the add note, which carries the whole channel.
    if (c.op === 'add' && isIn(c.added, self)) return createFrom(c.name, c.members);
    throw new EntenteError('channel_unknown', 'the control note is for a channel unknown here');
  }
  if (!sameOfficer(channel.admin, signer)) throw new EntenteError('channel_not_admin', `${actor} is not the administrator of the channel and may not change it`);
  switch (c.op) {
    case 'rename':
      return (at) => {
        ctx.notes.renameChannel(channelId, c.name, at);
        record(ctx, 'channel_renamed', actor, channelId, {});
      };
    case 'add': {
      const fresh = c.added.filter((o) => !isIn(channel.members, o));
      return (at) => {
        if (fresh.length > 0) ctx.notes.addMembers(channelId, fresh, at);
        record(ctx, 'channel_membership_changed', actor, channelId, { added: keys(fresh) });
      };
    }
    case 'remove': {
      if (isIn(c.removed, channel.admin)) throw malformed('removes the administrator');
      const gone = c.removed.filter((o) => isIn(channel.members, o));
      return (at) => {
        if (gone.length > 0) ctx.notes.removeMembers(channelId, gone, at);
        record(ctx, 'channel_membership_changed', actor, channelId, { removed: keys(gone) });
      };
    }
  }
}
