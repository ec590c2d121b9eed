import { z } from 'zod';

/**
 * Every error that can reach a user carries one of these stable codes. The renderer translates the
 * code; the English message is the fallback for the CLI and logs. Later issues append codes here.
 */
export const ERROR_CODES = [
  'invalid_input',
  'unknown_call',
  'forbidden_origin',
  'unauthorized',
  'internal',
  'prefs_unreadable',
  'prefs_write_failed',
  // Security policy engine (issue 3). Decision and validation reasons are coded data, not these.
  'spif_invalid',
  'xml_malformed',
  'xml_forbidden_dtd',
  'xml_limit_exceeded',
  'xml_wrong_namespace',
  'der_malformed',
  'label_malformed',
  'label_invalid',
  'label_unknown_policy',
  'clearance_malformed',
  'marking_unknown_token',
  'marking_ambiguous',
  'equivalence_unavailable',
  'label_no_upper_bound',
  'canonical_json_invalid',
  // Profile keystore and encrypted storage (issue 4, item 1).
  'passphrase_wrong',
  'passphrase_throttled',
  'keystore_exists',
  'keystore_missing',
  'keystore_corrupt',
  'keystore_newer',
  'keystore_write_failed',
  'keystore_protector_unavailable',
  'keystore_protector_failed',
  'profile_insecure',
  'profile_locked',
  'database_missing',
  'database_corrupt',
  'database_key_rejected',
  'database_newer',
  'database_migration_failed',
  'database_unavailable',
  // Signed objects and the trust model (issue 4, items 2–8).
  'signed_malformed',
  'signed_version_unsupported',
  'signed_wrong_type',
  'signature_invalid',
  'identity_exists',
  'identity_missing',
  'agency_exists',
  'agency_missing',
  'agency_key_corrupt',
  'agency_ledger_corrupt',
  'passphrase_required',
  'trust_unknown_agency',
  'trust_card_key_changed',
  'credential_expired',
  'credential_not_yet_valid',
  'credential_clearance_unknown',
  'enrolment_proof_invalid',
  'file_unwritable',
  'agreement_policy_mismatch',
  'agreement_not_party',
  'agreement_incomplete',
  'agreement_expired',
  'crl_stale',
  'crl_conflict',
  'credential_revoked',
  'credential_missing',
  'prekey_expired',
  'prekey_mismatch',
  'prekey_deleted',
  'peer_unknown',
  'safety_number_changed',
  'safety_number_mismatch',
  // The entente command.
  'file_unreadable',
  // Sealed notes and messaging (issue 5).
  'envelope_too_large',
  'envelope_malformed',
  'envelope_version_unsupported',
  'envelope_suite_unsupported',
  'envelope_signature_invalid',
  'envelope_duplicate_recipient',
  'envelope_not_addressed',
  'envelope_unwrap_failed',
  'envelope_key_commitment_mismatch',
  'envelope_decrypt_failed',
  'envelope_padding_invalid',
  'note_replayed',
  'note_sequence_reused',
  'note_too_old',
  'note_from_future',
  'note_too_long',
  'note_content_malformed',
  'note_missing',
  'note_withheld',
  'sender_unknown',
  'sender_not_cleared',
  'sender_not_member',
  'recipient_not_cleared',
  'agreement_missing',
  'agreement_ceiling_exceeded',
  'no_eligible_recipient',
  'channel_unknown',
  'channel_exists',
  'channel_not_admin',
  'channel_member_unknown',
  // Audit history (issue 7).
  'audit_chain_broken',
  'audit_checkpoint_invalid',
  'audit_rollback_detected',
  'audit_export_malformed',
  'audit_write_failed',
  // Relay and transport (issue 6).
  'relay_unreachable',
  'relay_auth_failed',
  'relay_frame_invalid',
  'relay_frame_too_large',
  'relay_rate_limited',
  'relay_mailbox_full',
  'relay_storage_failed',
  'relay_directory_refused',
  'relay_unavailable',
  'transport_timeout',
] as const;

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorPayload = z.object({
  code: ErrorCode,
  message: z.string().max(500),
});
export type ErrorPayload = z.infer<typeof ErrorPayload>;

export class EntenteError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EntenteError';
    this.code = code;
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}

/** The one shape every API answer takes on the wire, over IPC and over the bridge alike. */
export const CallResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorPayload }),
]);
export type CallResult = z.infer<typeof CallResult>;
