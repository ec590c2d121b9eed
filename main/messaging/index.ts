// Public API of the messaging layer (issue 5): channels, the send and receive pipelines, recipient
// selection, search. The Service (main/core) and the transport call these; nothing else should.
export { createMessagingContext, ownCredential, type MessagingContext, type MessagingOptions } from './context';
export { previewRecipients, selectRecipients, senderMayUse, type RecipientPreview, type WithheldRecipient } from './recipients';
export { sendNote, type NoteDraft, type SentNote } from './send';
export { receiveEnvelope, type ReceiveResult } from './receive';
export { createChannel, renameChannel, addMembers, removeMembers, defaultControlLabel, type ChannelChange, type NewChannel } from './channels';
export { importPeerPrekey, ownSignedPrekeyBytes } from './peer-prekeys';
export { searchNotes, mayReadNow, type SearchOptions } from './search';
export { checkFreshness, pruneSeen, MAX_NOTE_AGE_MS, MAX_CLOCK_AHEAD_MS, RELAY_RETENTION_MS } from './freshness';
export { MAX_NOTE_TEXT, MAX_CHANNEL_MEMBERS } from './content';
export { SyncSession, type SyncOptions, type SyncReport, type SyncEvent, type DirectoryReport, type FlushReport, type PublishReport } from './sync';
export { syncOnce, type SyncOnceOptions } from './sync-once';
export { applyDirectory } from './sync-directory';
