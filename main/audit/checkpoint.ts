import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import { toBase64url, decodeField, base64urlBytes } from '../trust/base64url';
import { Ed25519PublicKey, OfficerId, Serial } from '../trust/fields';
import { createSigned, decodeSigned, encodeSigned, hasValidSignature, defineSignedType, type Signed } from '../trust/signed';
import type { AuditCheckpointSlot } from '../identity/keystore-file';
import { EntryTime, isoTime } from './entry';

/**
 * A checkpoint: the officer's identity key signs "the log had `seq` entries and entry `seq` had hash
 * `hash`" (docs/AUDIT.md §5). It is an Entente signed object of type `audit-checkpoint`, so its
 * signature covers UTF-8("entente/v1/audit-checkpoint") || 0x00 || canonical JSON of the body: a
 * signature made for anything else (a prekey, a note, an export manifest) can never pass as one.
 *
 * Checkpoints are written every N entries, when the profile locks and on export; the latest one is also
 * copied into keystore.json, outside the database, so that a restored older database shows.
 */
export const CHECKPOINT_REASONS = ['interval', 'lock', 'export'] as const;
export type CheckpointReason = (typeof CHECKPOINT_REASONS)[number];

export const CheckpointBody = z.strictObject({
  seq: Serial,
  hash: base64urlBytes(32),
  time: EntryTime,
  officer: OfficerId,
  identityKey: Ed25519PublicKey,
  reason: z.enum(CHECKPOINT_REASONS),
});
export type CheckpointBody = z.infer<typeof CheckpointBody>;
export const AuditCheckpoint = defineSignedType({ type: 'audit-checkpoint', body: CheckpointBody, slots: { identity: 'ed25519' }, maxBytes: 4096 });
export type SignedCheckpoint = Signed<CheckpointBody>;

export interface CheckpointSigner {
  officerId: string;
  signPublic: Uint8Array;
  signSecret: Uint8Array;
}

export function signCheckpoint(signer: CheckpointSigner, seq: number, hash: Uint8Array, reason: CheckpointReason, now: number): SignedCheckpoint {
  const body: CheckpointBody = { seq, hash: toBase64url(hash), time: isoTime(now), officer: signer.officerId, identityKey: toBase64url(signer.signPublic), reason };
  return createSigned(AuditCheckpoint, body, 'identity', signer.signSecret);
}

/** Decodes the stored text of a checkpoint; null when it is not a well-formed one. */
export function decodeCheckpoint(text: string | Uint8Array): SignedCheckpoint | null {
  try {
    return decodeSigned(AuditCheckpoint, typeof text === 'string' ? new TextEncoder().encode(text) : text);
  } catch {
    return null;
  }
}

/** Whether the checkpoint is signed by `identityKey` and names that key. */
export function checkpointSignedBy(cp: SignedCheckpoint, identityKey: Uint8Array): boolean {
  return cp.body.identityKey === toBase64url(identityKey) && hasValidSignature(AuditCheckpoint, cp, 'identity', identityKey);
}

export const checkpointHash = (cp: SignedCheckpoint): Uint8Array => decodeField(cp.body.hash);

// ---- the copy in keystore.json -------------------------------------------------------------------

/** Version of the keystore slot's content: base64 of the checkpoint's file form. */
export const SLOT_VERSION = 1;

export function checkpointSlot(cp: SignedCheckpoint): AuditCheckpointSlot {
  return { version: SLOT_VERSION, data: Buffer.from(encodeSigned(cp), 'utf8').toString('base64') };
}

/** The checkpoint in a keystore slot; `audit_checkpoint_invalid` when the slot holds anything else. */
export function checkpointFromSlot(slot: AuditCheckpointSlot): SignedCheckpoint {
  const cp = slot.version === SLOT_VERSION ? decodeCheckpoint(Buffer.from(slot.data, 'base64')) : null;
  if (cp === null) throw new EntenteError('audit_checkpoint_invalid', 'the audit checkpoint kept in keystore.json is damaged or of an unknown version');
  return cp;
}
