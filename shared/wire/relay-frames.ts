import { z } from 'zod';
import { ErrorCode } from '../errors';

/**
 * Every frame of the relay protocol, both ways (docs/RELAY.md §2). The client (main/transport) and the
 * relay (relay/) parse with these same schemas, so the two cannot drift apart. All frames are JSON text
 * in WebSocket text messages; objects are strict (an unknown field is an error, not something to skip).
 *
 * The id patterns repeat those of main/trust/fields.ts (shared/ may import nothing of main/); a unit
 * test checks that both accept and refuse the same strings.
 */

export const RELAY_PROTOCOL_VERSION = 1 as const;

/** Lower-case agency id, as main/trust/fields.ts AgencyId. */
export const WireAgencyId = z.string().regex(/^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/, 'not an agency id');
/** Officer id, unique within its agency, as main/trust/fields.ts OfficerId. */
export const WireOfficerId = z.string().regex(/^[a-z0-9](?:[a-z0-9._@-]{0,62}[a-z0-9])?$/, 'not an officer id');

/** Canonical base64url of 16 bytes: 22 characters, the last carrying 2 bits (A, Q, g or w). */
export const WireNoteId = z.string().regex(/^[A-Za-z0-9_-]{21}[AQgw]$/, 'not a note id (base64url of 16 bytes)');
/** Canonical base64url of 32 bytes. */
export const WireNonce = z.string().regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'not base64url of 32 bytes');
/** Canonical base64url of 64 bytes. */
export const WireSignature = z.string().regex(/^[A-Za-z0-9_-]{85}[AQgw]$/, 'not base64url of 64 bytes');
/** Base64url without padding; canonical spelling is checked where the bytes are decoded. */
export const WireBytes = z.string().min(1).regex(/^[A-Za-z0-9_-]+$/, 'not base64url');

/** Client-chosen request number, echoed in the answer (publish and query). */
export const RequestId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const OfficerRef = z.strictObject({ agency: WireAgencyId, officerId: WireOfficerId });
export type OfficerRef = z.infer<typeof OfficerRef>;

/** "agency/officerId": unique everywhere, since neither part may contain "/". */
export const officerKey = (r: OfficerRef): string => `${r.agency}/${r.officerId}`;

export const MAX_WIRE_RECIPIENTS = 256;
export const MAX_ACK_IDS = 1024;

/** Instants on the wire: ISO 8601 UTC with milliseconds, as Date.toISOString writes them. */
export const WireInstant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'not an ISO instant');

/** What the directory holds, by kind; each object travels in its signed file form (docs/PROTOCOL.md). */
export const DirectoryKind = z.enum(['credential', 'prekey', 'revocation-list']);
export type DirectoryKind = z.infer<typeof DirectoryKind>;

// ---- client → relay ---------------------------------------------------------------------------------

export const AuthFrame = z.strictObject({
  type: z.literal('auth'),
  /** The officer's credential file, exactly as the agency issued it. */
  credential: z.string().min(1).max(2 * 1024 * 1024),
  /** Ed25519 by the credential's identity key over relayAuthMessage(challenge nonce, relay id). */
  signature: WireSignature,
});

export const PublishFrame = z.strictObject({
  type: z.literal('publish'),
  rid: RequestId,
  kind: DirectoryKind,
  object: z.string().min(1).max(8 * 1024 * 1024),
});

export const QueryFrame = z
  .strictObject({
    type: z.literal('query'),
    rid: RequestId,
    agency: WireAgencyId.optional(),
    officerId: WireOfficerId.optional(),
    kinds: z.array(DirectoryKind).min(1).max(3).optional(),
  })
  .refine((q) => q.officerId === undefined || q.agency !== undefined, 'officerId needs agency')
  .refine((q) => q.kinds === undefined || new Set(q.kinds).size === q.kinds.length, 'kinds repeated');

const noDuplicateRefs = (refs: readonly OfficerRef[]): boolean => new Set(refs.map(officerKey)).size === refs.length;

export const SendFrame = z.strictObject({
  type: z.literal('send'),
  id: WireNoteId,
  to: z.array(OfficerRef).min(1).max(MAX_WIRE_RECIPIENTS).refine(noDuplicateRefs, 'a recipient is named twice'),
  envelope: WireBytes,
});

/** The recipient has durably handled these deliveries; the relay deletes them. */
export const AckFrame = z.strictObject({
  type: z.literal('ack'),
  ids: z.array(WireNoteId).min(1).max(MAX_ACK_IDS),
});

/** The sender has recorded these receipts; the relay deletes them. */
export const ReceiptAckFrame = z.strictObject({
  type: z.literal('receipt_ack'),
  receipts: z.array(z.strictObject({ id: WireNoteId, to: OfficerRef })).min(1).max(MAX_ACK_IDS),
});

/**
 * "Tell me when you have nothing more for me": answered by `drained` once every envelope of this
 * officer's mailbox and every receipt for them has been delivered on this connection and acknowledged.
 * A client that syncs and exits (the `entente sync` command) waits for it instead of guessing.
 */
export const DrainFrame = z.strictObject({ type: z.literal('drain'), rid: RequestId });

export const ClientFrame = z.discriminatedUnion('type', [AuthFrame, PublishFrame, QueryFrame, SendFrame, AckFrame, ReceiptAckFrame, DrainFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type AuthFrame = z.infer<typeof AuthFrame>;
export type PublishFrame = z.infer<typeof PublishFrame>;
export type QueryFrame = z.infer<typeof QueryFrame>;
export type SendFrame = z.infer<typeof SendFrame>;
export type AckFrame = z.infer<typeof AckFrame>;
export type ReceiptAckFrame = z.infer<typeof ReceiptAckFrame>;
export type DrainFrame = z.infer<typeof DrainFrame>;

// ---- relay → client ---------------------------------------------------------------------------------

export const ChallengeFrame = z.strictObject({
  type: z.literal('challenge'),
  v: z.literal(RELAY_PROTOCOL_VERSION),
  nonce: WireNonce,
  /** The relay's id, also signed by the client: a challenge relayed from another relay fails. */
  relay: z.string().min(1).max(256),
});

export const RelayLimitsView = z.strictObject({
  maxFrameBytes: z.number().int().positive(),
  maxEnvelopeBytes: z.number().int().positive(),
  maxRecipients: z.number().int().positive(),
  ratePerSecond: z.number().positive(),
  rateBurst: z.number().int().positive(),
});
export type RelayLimitsView = z.infer<typeof RelayLimitsView>;

export const ReadyFrame = z.strictObject({
  type: z.literal('ready'),
  officer: z.strictObject({ agency: WireAgencyId, officerId: WireOfficerId, serial: z.number().int().positive() }),
  limits: RelayLimitsView,
  retentionMs: z.number().int().positive(),
});

/** Why authentication failed (with code relay_auth_failed). */
export const AuthFailure = z.enum([
  'credential_malformed',
  'unknown_agency',
  'issuer_signature_invalid',
  'credential_expired',
  'credential_not_yet_valid',
  'credential_revoked',
  'signature_invalid',
  'not_authenticated',
  'already_authenticated',
  'timeout',
]);
export type AuthFailure = z.infer<typeof AuthFailure>;

export const ErrorFrame = z.strictObject({
  type: z.literal('error'),
  code: ErrorCode,
  message: z.string().max(500),
  reason: AuthFailure.optional(),
  /** The send this answers, if any. */
  id: WireNoteId.optional(),
  /** The publish or query this answers, if any. */
  rid: RequestId.optional(),
  /** With relay_rate_limited: when a token will be available again. */
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type ErrorFrame = z.infer<typeof ErrorFrame>;

export const PublishedFrame = z.strictObject({
  type: z.literal('published'),
  rid: RequestId,
  kind: DirectoryKind,
  outcome: z.enum(['new', 'unchanged', 'updated']),
});

export const DirectoryFrame = z.strictObject({
  type: z.literal('directory'),
  rid: RequestId,
  credentials: z.array(z.string()),
  prekeys: z.array(z.string()),
  revocationLists: z.array(z.string()),
  /** True when the relay left entries out to bound the frame; ask per agency or officer. */
  truncated: z.boolean(),
});
export type DirectoryFrame = z.infer<typeof DirectoryFrame>;

/** The envelope is committed to the relay's disk; sent only after the commit returned. */
export const StoredFrame = z.strictObject({
  type: z.literal('stored'),
  id: WireNoteId,
  /** The relay already held this note from this sender; nothing was stored twice. */
  duplicate: z.boolean(),
});

export const DeliverFrame = z.strictObject({
  type: z.literal('deliver'),
  id: WireNoteId,
  from: OfficerRef,
  envelope: WireBytes,
  storedAt: WireInstant,
});

export const ReceiptState = z.enum(['delivered', 'expired']);
export type ReceiptState = z.infer<typeof ReceiptState>;

export const ReceiptFrame = z.strictObject({
  type: z.literal('receipt'),
  id: WireNoteId,
  to: OfficerRef,
  state: ReceiptState,
  at: WireInstant,
});

/** The answer to `drain`: nothing is waiting at the relay for this officer, and nothing is unacknowledged. */
export const DrainedFrame = z.strictObject({ type: z.literal('drained'), rid: RequestId });

export const ServerFrame = z.discriminatedUnion('type', [ChallengeFrame, ReadyFrame, ErrorFrame, PublishedFrame, DirectoryFrame, StoredFrame, DeliverFrame, ReceiptFrame, DrainedFrame]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ChallengeFrame = z.infer<typeof ChallengeFrame>;
export type ReadyFrame = z.infer<typeof ReadyFrame>;
export type PublishedFrame = z.infer<typeof PublishedFrame>;
export type StoredFrame = z.infer<typeof StoredFrame>;
export type DeliverFrame = z.infer<typeof DeliverFrame>;
export type ReceiptFrame = z.infer<typeof ReceiptFrame>;
export type DrainedFrame = z.infer<typeof DrainedFrame>;

/** WebSocket close codes the relay uses beyond the standard ones (1001 going away, 1008 policy). */
export const CLOSE_SUPERSEDED = 4001;
