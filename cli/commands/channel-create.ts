import { EntenteError } from '../../shared/errors';
import { sodiumReady } from '../../main/crypto/sodium';
import { createChannel } from '../../main/messaging/channels';
import { ownCredential, type MessagingContext } from '../../main/messaging/context';
import { AgencyId, DisplayName, OfficerId } from '../../main/trust/fields';
import { UsageError, type Command } from '../command';
import { requiredString, stringList } from '../options';
import { withProfile } from '../profile';
import { flushWithin, messagingContext, officerText, openRelaySession, relayCommandOptions, relayUrl, withheldText } from '../relay-session';

type MemberArg = { agency: string; officerId: string } | { officerId: string };

/** "agency/officer" or a bare officer id; checked before the profile is opened. */
export function parseMember(text: string): MemberArg {
  const parts = text.split('/');
  if (parts.length === 2 && AgencyId.safeParse(parts[0]).success && OfficerId.safeParse(parts[1]).success) return { agency: parts[0] as string, officerId: parts[1] as string };
  if (parts.length === 1 && OfficerId.safeParse(text).success) return { officerId: text };
  throw new UsageError(`--member "${text}": write agency/officer (uk-mod/jsmith) or an officer id`);
}

/** The officer a member argument names, among the credentials held (after the directory was read). */
export function resolveMember(ctx: MessagingContext, arg: MemberArg): { agency: string; officerId: string } {
  const me = ownCredential(ctx).body;
  if ('agency' in arg) {
    if (arg.agency === me.agency && arg.officerId === me.officerId) return arg;
    if (ctx.trust.credentials({ own: false, agency: arg.agency, officerId: arg.officerId }).length === 0) {
      throw new EntenteError('channel_member_unknown', `no credential of ${officerText(arg)} is held here or listed by the relay`);
    }
    return arg;
  }
  const agencies = [...new Set(ctx.trust.credentials({ own: false, officerId: arg.officerId }).map((c) => c.body.agency))];
  if (agencies.length === 0 && arg.officerId === me.officerId) return { agency: me.agency, officerId: me.officerId };
  if (agencies.length === 0) throw new EntenteError('channel_member_unknown', `no credential of an officer "${arg.officerId}" is held here or listed by the relay`);
  if (agencies.length > 1) throw new EntenteError('channel_member_unknown', `"${arg.officerId}" is an officer of ${agencies.join(' and ')}; write agency/officer`);
  return { agency: agencies[0] as string, officerId: arg.officerId };
}

export const channelCreateCommand: Command = {
  path: ['channel', 'create'],
  summary: 'create a channel with other officers; its creation is a signed note sent through the relay',
  usage: [
    'entente channel create --profile P --relay URL --name NAME --member OFFICER... [--passphrase-file F] [--json]',
    '',
    'OFFICER is agency/officer, or an officer id held for only one agency. The directory is read first,',
    'so officers who have logged in to the relay once can be named. You are the administrator.',
    'If the relay cannot be reached, the creation is queued: `entente sync` sends it.',
  ].join('\n'),
  options: { ...relayCommandOptions, name: { type: 'string' }, member: { type: 'string', multiple: true } },
  async run(values, _positionals, io) {
    const url = relayUrl(values);
    const name = requiredString(values, 'name').normalize('NFC');
    if (!DisplayName.safeParse(name).success) throw new UsageError('--name: 1–200 printable characters without leading or trailing spaces');
    const args = stringList(values, 'member').map(parseMember);
    if (args.length === 0) throw new UsageError('name at least one --member');
    await sodiumReady();
    const result = await withProfile(io, values, async (profile) => {
      const ctx = messagingContext(profile);
      ownCredential(ctx);
      const { session, offline } = await openRelaySession(ctx, url);
      try {
        const members = args.map((m) => resolveMember(ctx, m));
        const created = createChannel(ctx, { name, members });
        const stored = offline === null ? await flushWithin(session) : new Set<string>();
        const channel = ctx.notes.channel(created.channelId);
        return {
          channelId: created.channelId,
          name,
          admin: channel?.admin ?? null,
          members: channel?.members ?? [],
          noteId: created.note.noteId,
          state: stored.has(created.note.noteId) ? ('stored' as const) : ('queued' as const),
          eligible: created.eligible,
          withheld: created.withheld,
          relay: offline === null ? { reachable: true } : { reachable: false, code: offline.code },
        };
      } finally {
        await session.close();
      }
    });
    if (values.json === true) {
      io.out(JSON.stringify(result));
      return 0;
    }
    io.out(`channel ${result.channelId} "${result.name}" created with ${result.members.map(officerText).join(', ')}`);
    if (result.state === 'stored') io.out('its creation is stored at the relay for the members');
    else io.out(`the relay ${result.relay.reachable ? 'did not confirm it' : `is unreachable (${result.relay.code ?? ''})`}: the creation is queued; \`entente sync\` sends it`);
    for (const line of withheldText(result.withheld)) io.out(`not told (they will not see the channel): ${line}`);
    return 0;
  },
};
