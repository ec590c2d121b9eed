/**
 * The event catalog (docs/AUDIT.md lists each with its subjects and details). One typed list: adding an
 * event means adding it here and to the catalog; a test proves each one is written by its module.
 */
export const AUDIT_EVENT_TYPES = [
  'profile_created',
  'unlock_succeeded',
  'unlock_failed',
  'locked',
  'passphrase_changed',
  'key_protection_changed',
  'identity_created',
  'enrolment_request_created',
  'policy_imported',
  'policy_rejected',
  'credential_imported',
  'credential_rejected',
  'agency_card_imported',
  'agency_card_rejected',
  'agreement_imported',
  'agreement_rejected',
  'revocation_list_imported',
  'revocation_list_rejected',
  'import_rejected',
  'agency_unpinned',
  'key_change_detected',
  'safety_number_verified',
  'channel_created',
  'channel_renamed',
  'channel_membership_changed',
  'note_sealed',
  'note_received',
  'note_rejected',
  'note_displayed',
  'note_withheld',
  'search_run',
  'notes_exported',
  'settings_changed',
  'audit_exported',
  'audit_verified',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
