import { z } from 'zod';
import { RecipientsPreview } from './compose-schemas';
import { DisplayNameText, OfficerRef, RecordId } from './fields';

/** Creating a channel from the desk (main/core/calls-channels.ts): a name and the other members. */

export const ChannelsCreateInput = z.strictObject({
  name: DisplayNameText,
  /** The other members; the officer is added and becomes the administrator. */
  members: z.array(OfficerRef).min(1).max(64),
});

export const ChannelsCreate = z.strictObject({
  channelId: RecordId,
  /** Who was told of the channel (sent its creation), and who was not and why. */
  recipients: RecipientsPreview,
});
