import type { z } from 'zod';
import type { ChannelsCreate, ChannelsCreateInput } from '../../shared/api/channel-schemas';
import { EntenteError } from '../../shared/errors';
import { createChannel } from '../messaging';
import type { Core } from './core';
import { Names } from './note-view';

/**
 * A channel created from the desk, as `entente channel create` does it: the members' credentials and
 * prekeys are read from the relay's directory first (an officer who logged in to the relay after this
 * session's last read is otherwise unknown here), then the signed creation note is sealed to them and
 * sent. The officer is the administrator. Codes: channel_member_unknown (no credential held or listed),
 * invalid_input (no other member), credential_* (no credential in force here).
 */

/** A directory read that fails for the relay's sake (unreachable, slow, refused) leaves what is held here. */
const isRelayTrouble = (err: unknown): boolean => err instanceof EntenteError && (err.code.startsWith('relay_') || err.code === 'transport_timeout');

export async function channelsCreate(core: Core, input: z.infer<typeof ChannelsCreateInput>): Promise<z.infer<typeof ChannelsCreate>> {
  const s = await core.sessions.require();
  const sync = s.syncSession;
  if (sync !== null && sync.client.state === 'ready') {
    for (const m of input.members) {
      try {
        await sync.pullDirectory({ agency: m.agency, officerId: m.officerId });
      } catch (err) {
        if (!isRelayTrouble(err)) throw err;
      }
    }
  }
  const created = createChannel(s.ctx, { name: input.name.normalize('NFC'), members: input.members });
  // Sent now when a relay session runs; otherwise its creation waits in the outbox for the next one.
  void s.syncSession?.flush().catch(() => undefined);
  const names = new Names(s.ctx);
  return {
    channelId: created.channelId,
    recipients: {
      eligible: created.eligible.slice(0, 256).map((o) => names.officer(o)),
      withheld: created.withheld.slice(0, 256).map((w) => ({ officer: names.officer(w.officer), reasons: w.reasons.slice(0, 64) })),
    },
  };
}
