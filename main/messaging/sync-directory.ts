import { EntenteError } from '../../shared/errors';
import type { DirectoryEntries, DirectoryQuery, RelayClient } from '../transport/relay-client';
import { toBase64url } from '../trust/base64url';
import { importFiles } from '../trust/import';
import { listAgainstHeld } from '../trust/revocation';
import { Credential, RevocationList, SignedPrekey } from '../trust/objects';
import { decodeSigned, encodeSigned } from '../trust/signed';
import type { MessagingContext } from './context';
import { importPeerPrekey } from './peer-prekeys';
import { REPORT_LIST_LIMIT, emptyDirectoryReport, type DirectoryReport, type SkippedObject, type SyncLog } from './sync-types';

/**
 * Reading the relay's directory into the profile. The relay is not trusted: every object is checked
 * here exactly as `profile import` checks a file (against the agencies pinned in this profile, their
 * revocation lists and this clock), one object at a time so that one bad object does not keep the
 * others out. Objects of agencies not pinned here are skipped (and logged), never pinned on the
 * relay's word. Order: revocation lists first (a credential they revoke is then refused), then
 * credentials, then the prekeys those credentials vouch for.
 */

export interface ApplyOptions {
  fallbackSpifs?: readonly string[];
  log?: SyncLog;
}

/** Asks the relay's directory (per pinned agency when the full answer was truncated) and applies it. */
export async function pullDirectory(ctx: MessagingContext, client: RelayClient, query: DirectoryQuery, options: ApplyOptions = {}): Promise<DirectoryReport> {
  const first = await client.directory(query);
  const entries: DirectoryEntries = { ...first, credentials: [...first.credentials], prekeys: [...first.prekeys], revocationLists: [...first.revocationLists] };
  if (first.truncated && query.agency === undefined) {
    for (const agency of ctx.trust.agencies()) {
      const part = await client.directory({ ...query, agency: agency.id });
      entries.credentials.push(...part.credentials);
      entries.prekeys.push(...part.prekeys);
      entries.revocationLists.push(...part.revocationLists);
    }
  }
  return applyDirectory(ctx, entries, options);
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
/** The code of a refused object; errors of the program or the profile (locked, database) propagate. */
const codeOf = (err: unknown): string => {
  if (err instanceof EntenteError && !isProgramError(err)) return err.code;
  throw err;
};

export function isProgramError(err: unknown): boolean {
  if (!(err instanceof EntenteError)) return true;
  return err.code === 'profile_locked' || err.code === 'internal' || err.code === 'identity_missing' || err.code.startsWith('database_') || err.code.startsWith('audit_');
}

/** Verifies and stores what a directory answer holds; never throws for a bad object, only for program errors. */
export function applyDirectory(ctx: MessagingContext, entries: Pick<DirectoryEntries, 'credentials' | 'prekeys' | 'revocationLists'>, options: ApplyOptions = {}): DirectoryReport {
  const report = emptyDirectoryReport();
  const log = options.log ?? (() => {});
  const skip = (s: SkippedObject): void => {
    report[s.kind === 'credential' ? 'credentials' : s.kind === 'prekey' ? 'prekeys' : 'revocationLists'].skipped += 1;
    if (report.skipped.length < REPORT_LIST_LIMIT) report.skipped.push(s);
    log('directory_object_skipped', { kind: s.kind, subject: s.subject, code: s.code });
  };
  const importOne = (name: string, bytes: Uint8Array) =>
    importFiles(ctx.profile, ctx.identity, [{ name, bytes }], { now: ctx.now(), audit: ctx.audit, ...(options.fallbackSpifs === undefined ? {} : { fallbackSpifs: options.fallbackSpifs }) })[0];

  for (const text of new Set(entries.revocationLists)) {
    let subject = '?';
    try {
      const list = decodeSigned(RevocationList, utf8(text));
      const b = list.body;
      subject = `${b.agency} sequence ${b.sequence}`;
      if (ctx.trust.agency(b.agency) === undefined) {
        skip({ kind: 'revocation-list', subject, code: 'trust_unknown_agency' });
        continue;
      }
      // An older list than the one held is what a stale (or hostile) relay serves: nothing to import.
      if (listAgainstHeld(list, ctx.trust.revocationList(b.agency)) === 'unchanged') {
        report.revocationLists.unchanged += 1;
        continue;
      }
      importOne(`directory-${b.agency}-crl-${b.sequence}.json`, utf8(text));
      report.revocationLists.imported += 1;
    } catch (err) {
      skip({ kind: 'revocation-list', subject, code: codeOf(err) });
    }
  }

  for (const text of new Set(entries.credentials)) {
    let subject = '?';
    try {
      const credential = decodeSigned(Credential, utf8(text));
      const b = credential.body;
      subject = `${b.agency}/${b.officerId} #${b.serial}`;
      if (ctx.trust.agency(b.agency) === undefined) {
        skip({ kind: 'credential', subject, code: 'trust_unknown_agency' });
        continue;
      }
      const canonical = encodeSigned(credential);
      if (ctx.trust.credentials({ agency: b.agency, officerId: b.officerId }).some((c) => encodeSigned(c) === canonical)) {
        report.credentials.unchanged += 1;
        continue;
      }
      const result = importOne(`directory-${b.agency}-${b.officerId}-${b.serial}.json`, utf8(text));
      if (result?.outcome === 'unchanged') report.credentials.unchanged += 1;
      else report.credentials.imported += 1;
      if (result?.keyChanged === true) log('peer_key_changed', { officer: `${b.agency}/${b.officerId}`, serial: b.serial });
    } catch (err) {
      skip({ kind: 'credential', subject, code: codeOf(err) });
    }
  }

  const ownKey = toBase64url(ctx.identity.signPublic);
  for (const text of new Set(entries.prekeys)) {
    let subject = '?';
    try {
      const bytes = utf8(text);
      const p = decodeSigned(SignedPrekey, bytes).body;
      subject = `${p.agency}/${p.officerId} prekey ${p.prekeyId}`;
      // This officer's own prekey, as published: nothing to learn from it.
      if (p.identityKey === ownKey) continue;
      if (ctx.trust.agency(p.agency) === undefined) {
        skip({ kind: 'prekey', subject, code: 'trust_unknown_agency' });
        continue;
      }
      const { outcome } = importPeerPrekey(ctx, bytes);
      report.prekeys[outcome === 'new' ? 'imported' : 'unchanged'] += 1;
    } catch (err) {
      skip({ kind: 'prekey', subject, code: codeOf(err) });
    }
  }
  return report;
}
