import { TokenBucket } from '../main/transport/token-bucket';
import type { RelayLimitsView } from '../shared/wire/relay-frames';

/**
 * The relay's limits (docs/RELAY.md §6). Each is answered with an error frame naming its code; none
 * closes the connection by itself, but `maxStrikes` refused frames in a row do (a peer that keeps
 * misbehaving after being told is either broken or hostile).
 */
export interface RelayLimits {
  /** Largest text frame answered normally (relay_frame_too_large above; twice this closes with 1009). */
  maxFrameBytes: number;
  /** Largest envelope, decoded (relay_frame_too_large). The envelope format's own cap is 256 KiB. */
  maxEnvelopeBytes: number;
  maxRecipients: number;
  /** Frames per second per connection, refilled continuously (relay_rate_limited). */
  ratePerSecond: number;
  rateBurst: number;
  /** Per recipient: undelivered envelopes and their bytes (relay_mailbox_full). */
  mailboxMaxEnvelopes: number;
  mailboxMaxBytes: number;
  /** Refused frames in a row before the relay closes the connection (1008). */
  maxStrikes: number;
  /** Time to answer the challenge. */
  authTimeoutMs: number;
  /** Deliveries sent and not yet acknowledged, per connection: the flow-control window. */
  deliveryWindow: number;
  /** Cap on the database file (SQLite max_page_count); null: the disk is the limit (relay_storage_failed). */
  maxDatabaseBytes: number | null;
  maxConnections: number;
  /** WebSocket ping interval; a peer that misses a whole interval is dropped. */
  pingIntervalMs: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: RelayLimits = {
  // A revocation list may be 4 MiB (main/trust/objects.ts); its text travels inside a JSON string.
  maxFrameBytes: 6 * MiB,
  maxEnvelopeBytes: 256 * 1024,
  maxRecipients: 256,
  ratePerSecond: 200,
  rateBurst: 1000,
  mailboxMaxEnvelopes: 10_000,
  mailboxMaxBytes: 256 * MiB,
  maxStrikes: 20,
  authTimeoutMs: 10_000,
  deliveryWindow: 128,
  maxDatabaseBytes: null,
  maxConnections: 10_000,
  pingIntervalMs: 30_000,
};

export function resolveLimits(given: Partial<RelayLimits> = {}): RelayLimits {
  const limits = { ...DEFAULT_LIMITS, ...given };
  for (const [name, value] of Object.entries(limits)) {
    if (value === null && name === 'maxDatabaseBytes') continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`relay limit ${name} must be a positive number`);
  }
  if (limits.maxRecipients > 256) throw new Error('relay limit maxRecipients cannot exceed the envelope format\'s 256');
  return limits;
}

/** What the ready frame tells the client, so it can pace itself below the limits. */
export const limitsView = (l: RelayLimits): RelayLimitsView => ({
  maxFrameBytes: l.maxFrameBytes,
  maxEnvelopeBytes: l.maxEnvelopeBytes,
  maxRecipients: l.maxRecipients,
  ratePerSecond: l.ratePerSecond,
  rateBurst: l.rateBurst,
});

export const connectionBucket = (l: RelayLimits): TokenBucket => new TokenBucket(l.ratePerSecond, l.rateBurst);
