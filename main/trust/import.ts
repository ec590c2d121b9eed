import { basename } from 'node:path';
import { EntenteError } from '../../shared/errors';
import type { AuditEventType } from '../audit/events';
import type { AuditSink } from '../audit/sink';
import type { OfficerIdentity } from '../identity/officer';
import type { Profile } from '../identity/profile';
import type { PolicyRegistry } from '../policy';
import { toBase64url } from './base64url';
import { agencyFingerprint, hexGroups } from './fingerprint';
import { verifyAgreement } from './agreement';
import { AgencyCard, Agreement, Credential, RevocationList } from './objects';
import { verifyRevocationList } from './revocation';
import { decodeSigned, peekSignedType } from './signed';
import { observePeer } from './peers';
import { TrustStore } from './trust-store';
import { validityAt, verifyCredential } from './verify';

/**
 * `profile import`: files of any kind in any order, verified against what is pinned before anything
 * is stored. All files are imported in one transaction: if one is refused, nothing is stored, and the
 * error names the file. Within the batch, policies come first, then agency cards, then what they sign,
 * so a partner's card and its officers' credentials can be imported together.
 *
 * Each file imported is recorded in the audit history with the change it made (same transaction);
 * a refused file is recorded after the batch rolled back, so the refusal itself is kept.
 */

export interface ImportFile {
  name: string;
  bytes: Uint8Array;
}

export interface ImportResult {
  file: string;
  kind: string;
  /** What it was: agency id, policy name, "officer (agency) serial N". */
  subject: string;
  outcome: 'new' | 'updated' | 'unchanged';
  /** For agency cards: the fingerprint to compare out of band. */
  fingerprint?: string;
  /** For other officers' credentials: their keys changed, so sending to them is blocked until verified. */
  keyChanged?: boolean;
}

export interface ImportOptions {
  now?: number;
  /** SPIFs available without import (the shipped ones). */
  fallbackSpifs?: readonly string[];
  /** Where events go; default the profile's audit log. */
  audit?: AuditSink;
}

/** The audit events of each kind of file: imported, rejected. */
const EVENTS: Record<string, [AuditEventType, AuditEventType]> = {
  policy: ['policy_imported', 'policy_rejected'],
  'agency-card': ['agency_card_imported', 'agency_card_rejected'],
  credential: ['credential_imported', 'credential_rejected'],
  agreement: ['agreement_imported', 'agreement_rejected'],
  'revocation-list': ['revocation_list_imported', 'revocation_list_rejected'],
};

/** Order of kinds within one import: what verifies comes before what it verifies. */
const ORDER = ['policy', 'agency-card', 'revocation-list', 'credential', 'agreement'];

/** A file's result, and the ids its audit entry names. */
type Handled = { result: ImportResult; subjects: string[] };
type ImportHandler = (ctx: ImportContext, file: ImportFile) => Handled;
interface ImportContext {
  store: TrustStore;
  audit: AuditSink;
  identity: OfficerIdentity;
  now: number;
  /** Built once, after the batch's policies are stored (they sort first). */
  registry: () => PolicyRegistry;
}

const HANDLERS = new Map<string, ImportHandler>([
  ['policy', importPolicy],
  ['agency-card', importCard],
  ['credential', importCredential],
  ['agreement', importAgreement],
  ['revocation-list', importRevocationList],
]);

export function kindOf(file: ImportFile): string {
  const head = new TextDecoder().decode(file.bytes.subarray(0, 256)).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('<')) return 'policy';
  const type = peekSignedType(file.bytes);
  if (type === null) throw new EntenteError('signed_malformed', 'neither a SPIF policy (XML) nor an Entente signed object');
  if (!HANDLERS.has(type)) throw new EntenteError('signed_wrong_type', `a ${type} cannot be imported into a profile`);
  return type;
}

export function importFiles(profile: Profile, identity: OfficerIdentity, files: readonly ImportFile[], options: ImportOptions = {}): ImportResult[] {
  const store = new TrustStore(profile.db);
  const audit = options.audit ?? profile.audit;
  let registry: PolicyRegistry | null = null;
  const ctx: ImportContext = { store, audit, identity, now: options.now ?? Date.now(), registry: () => (registry ??= store.policyRegistry(options.fallbackSpifs)) };
  let current: { file: ImportFile; kind: string | null } | null = null;
  try {
    const routed = files.map((file) => {
      current = { file, kind: null };
      return { file, kind: named(file, () => kindOf(file)) };
    });
    routed.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
    return profile.db.transaction(() =>
      routed.map(({ file, kind }) => {
        current = { file, kind };
        const { result, subjects } = named(file, () => (HANDLERS.get(kind) as ImportHandler)(ctx, file));
        audit.record(importedEvent(kind, result, subjects));
        return result;
      }),
    );
  } catch (err) {
    const failed = current as { file: ImportFile; kind: string | null } | null;
    if (failed !== null && err instanceof EntenteError) {
      const type = failed.kind === null ? 'import_rejected' : (EVENTS[failed.kind]?.[1] ?? 'import_rejected');
      audit.record({ type, outcome: 'refused', actor: 'self', code: err.code, details: { file: basename(failed.file.name) } });
    }
    throw err;
  }
}

function importedEvent(kind: string, r: ImportResult, subjects: string[]) {
  return {
    type: (EVENTS[kind] as [AuditEventType, AuditEventType])[0],
    outcome: 'ok' as const,
    actor: 'self',
    subjects,
    details: { file: basename(r.file), result: r.outcome, what: r.subject, ...(r.fingerprint === undefined ? {} : { fingerprint: r.fingerprint }) },
  };
}

/** Runs `fn`, prefixing any coded error with the file's name so the one-line message says which file. */
function named<T>(file: ImportFile, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof EntenteError) throw new EntenteError(err.code, `${file.name}: ${err.message}`, { cause: err });
    throw err;
  }
}

function importPolicy(ctx: ImportContext, file: ImportFile): Handled {
  const { policy, outcome } = ctx.store.addPolicy(new TextDecoder().decode(file.bytes), ctx.now);
  return { result: { file: file.name, kind: 'policy', subject: `${policy.name} (${policy.id})`, outcome }, subjects: [policy.id] };
}

function importCard(ctx: ImportContext, file: ImportFile): Handled {
  const card = decodeSigned(AgencyCard, file.bytes);
  const outcome = ctx.store.pinCard(card, ctx.now);
  return { result: { file: file.name, kind: 'agency-card', subject: card.body.id, outcome, fingerprint: hexGroups(agencyFingerprint(card.body)) }, subjects: [card.body.id] };
}

function importCredential(ctx: ImportContext, file: ImportFile): Handled {
  const credential = decodeSigned(Credential, file.bytes);
  const b = credential.body;
  verifyCredential(credential, { agency: ctx.store.agency(b.agency), registry: ctx.registry(), now: ctx.now });
  const ownKeys = b.identityKey === toBase64url(ctx.identity.signPublic) && b.agreementKey === toBase64url(ctx.identity.dhPublic);
  if (!ownKeys && b.identityKey === toBase64url(ctx.identity.signPublic)) {
    throw new EntenteError('signature_invalid', 'the credential names this profile\'s identity key with another agreement key; it was refused');
  }
  if (ctx.store.isRevoked(b.agency, b.serial)) throw new EntenteError('credential_revoked', `the credential of ${b.officerId} (${b.agency}, serial ${b.serial}) has been revoked by its agency`);
  const outcome = ctx.store.addCredential(credential, ownKeys, ctx.now);
  // Another officer's keys: a change clears their verified mark and blocks sending until re-verified.
  const keys = ownKeys ? 'unchanged' : observePeer(ctx.store.database, b, ctx.now, ctx.audit);
  const note = ownKeys ? ', this profile' : keys === 'key_changed' ? ', KEYS CHANGED: verify the safety number again' : '';
  const result: ImportResult = { file: file.name, kind: 'credential', subject: `${b.officerId} (${b.agency}) serial ${b.serial}${note}`, outcome, ...(keys === 'key_changed' ? { keyChanged: true } : {}) };
  return { result, subjects: [`${b.agency}/${b.officerId}`, `${b.agency}#${b.serial}`] };
}

function importAgreement(ctx: ImportContext, file: ImportFile): Handled {
  const agreement = verifyAgreement(decodeSigned(Agreement, file.bytes), (id) => ctx.store.agency(id));
  const b = agreement.body;
  if (validityAt(b, ctx.now) === 'expired') throw new EntenteError('agreement_expired', `the agreement between ${b.proposer} and ${b.partner} expired at ${b.notAfter}`);
  const outcome = ctx.store.addAgreement(agreement, ctx.now);
  return { result: { file: file.name, kind: 'agreement', subject: `${b.proposer} ↔ ${b.partner} (${b.id})`, outcome }, subjects: [b.id, b.proposer, b.partner] };
}

function importRevocationList(ctx: ImportContext, file: ImportFile): Handled {
  const list = decodeSigned(RevocationList, file.bytes);
  verifyRevocationList(list, ctx.store.agency(list.body.agency));
  const outcome = ctx.store.putRevocationList(list, ctx.now);
  const b = list.body;
  return { result: { file: file.name, kind: 'revocation-list', subject: `${b.agency} sequence ${b.sequence}, ${b.serials.length} serial(s)`, outcome }, subjects: [b.agency] };
}
