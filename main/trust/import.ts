import { EntenteError } from '../../shared/errors';
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
}

/** Order of kinds within one import: what verifies comes before what it verifies. */
const ORDER = ['policy', 'agency-card', 'revocation-list', 'credential', 'agreement'];

type ImportHandler = (ctx: ImportContext, file: ImportFile) => ImportResult;
interface ImportContext {
  store: TrustStore;
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
  let registry: PolicyRegistry | null = null;
  const ctx: ImportContext = { store, identity, now: options.now ?? Date.now(), registry: () => (registry ??= store.policyRegistry(options.fallbackSpifs)) };
  const routed = files.map((file) => ({ file, kind: named(file, () => kindOf(file)) }));
  routed.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  return profile.db.transaction(() => routed.map(({ file, kind }) => named(file, () => (HANDLERS.get(kind) as ImportHandler)(ctx, file))));
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

function importPolicy(ctx: ImportContext, file: ImportFile): ImportResult {
  const { policy, outcome } = ctx.store.addPolicy(new TextDecoder().decode(file.bytes), ctx.now);
  return { file: file.name, kind: 'policy', subject: `${policy.name} (${policy.id})`, outcome };
}

function importCard(ctx: ImportContext, file: ImportFile): ImportResult {
  const card = decodeSigned(AgencyCard, file.bytes);
  const outcome = ctx.store.pinCard(card, ctx.now);
  return { file: file.name, kind: 'agency-card', subject: card.body.id, outcome, fingerprint: hexGroups(agencyFingerprint(card.body)) };
}

function importCredential(ctx: ImportContext, file: ImportFile): ImportResult {
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
  const keys = ownKeys ? 'unchanged' : observePeer(ctx.store.database, b, ctx.now);
  const note = ownKeys ? ', this profile' : keys === 'key_changed' ? ', KEYS CHANGED: verify the safety number again' : '';
  return { file: file.name, kind: 'credential', subject: `${b.officerId} (${b.agency}) serial ${b.serial}${note}`, outcome, ...(keys === 'key_changed' ? { keyChanged: true } : {}) };
}

function importAgreement(ctx: ImportContext, file: ImportFile): ImportResult {
  const agreement = verifyAgreement(decodeSigned(Agreement, file.bytes), (id) => ctx.store.agency(id));
  const b = agreement.body;
  if (validityAt(b, ctx.now) === 'expired') throw new EntenteError('agreement_expired', `the agreement between ${b.proposer} and ${b.partner} expired at ${b.notAfter}`);
  const outcome = ctx.store.addAgreement(agreement, ctx.now);
  return { file: file.name, kind: 'agreement', subject: `${b.proposer} ↔ ${b.partner} (${b.id})`, outcome };
}

function importRevocationList(ctx: ImportContext, file: ImportFile): ImportResult {
  const list = decodeSigned(RevocationList, file.bytes);
  verifyRevocationList(list, ctx.store.agency(list.body.agency));
  const outcome = ctx.store.putRevocationList(list, ctx.now);
  return { file: file.name, kind: 'revocation-list', subject: `${list.body.agency} sequence ${list.body.sequence}, ${list.body.serials.length} serial(s)`, outcome };
}
