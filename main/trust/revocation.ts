import { EntenteError } from '../../shared/errors';
import type { AgencyFolder } from './agency-folder';
import { toTimestamp } from './fields';
import { RevocationList, type RevocationListBody } from './objects';
import { createSigned, encodeSigned, requireValidSignature, type Signed } from './signed';
import type { PinnedAgency } from './verify';

/**
 * Revocation lists (docs/TRUST.md §6): each agency signs the full list of serials it has revoked, with
 * a sequence number that rises with every list. A holder keeps the highest sequence it has seen and
 * refuses an older one, so nobody can "un-revoke" an officer by replaying an earlier list.
 */

/** Adds `serial` to the agency's list and signs the next list. The serial must be one it issued. */
export async function revokeSerial(agency: AgencyFolder, passphrase: Uint8Array, serial: number, now: number = Date.now()): Promise<{ list: Signed<RevocationListBody>; already: boolean }> {
  const ledger = agency.readLedger();
  if (!ledger.issued.some((e) => e.serial === serial)) throw new EntenteError('invalid_input', `agency ${agency.id} never issued a credential with serial ${serial}`);
  const already = ledger.revocation.serials.includes(serial);
  const serials = [...new Set([...ledger.revocation.serials, serial])].sort((a, b) => a - b);
  const body: RevocationListBody = { agency: agency.id, sequence: ledger.revocation.sequence + 1, issued: toTimestamp(now), serials };
  const list = await agency.withRootKey(passphrase, (keys) => createSigned(RevocationList, body, 'issuer', keys.secretKey));
  // Recorded only once signed: a wrong passphrase must not consume a sequence number or revoke anything.
  agency.writeLedger({ ...ledger, revocation: { sequence: body.sequence, serials } });
  return { list, already };
}

/** Signed by the pinned root key of the agency it names. */
export function verifyRevocationList(list: Signed<RevocationListBody>, agency: PinnedAgency | undefined): Signed<RevocationListBody> {
  if (agency === undefined || agency.id !== list.body.agency) {
    throw new EntenteError('trust_unknown_agency', `the revocation list comes from agency "${list.body.agency}", which is not pinned here; import its card first`);
  }
  requireValidSignature(RevocationList, list, 'issuer', agency.rootKey, `agency ${agency.id}'s root key`);
  return list;
}

/**
 * What storing `incoming` does given the list `held` for the same agency: replace it (higher sequence),
 * nothing (the same list again), or refuse (`crl_stale` for a lower sequence, `crl_conflict` for a
 * different list with the same sequence, which only a faulty or compromised issuer produces).
 */
export function listAgainstHeld(incoming: Signed<RevocationListBody>, held: Signed<RevocationListBody> | undefined): 'new' | 'updated' | 'unchanged' {
  if (held === undefined) return 'new';
  const a = incoming.body.sequence;
  const b = held.body.sequence;
  if (a > b) return 'updated';
  if (a < b) throw new EntenteError('crl_stale', `this revocation list of ${incoming.body.agency} has sequence ${a}, older than the one held (${b}); it was refused`);
  if (encodeSigned(incoming) === encodeSigned(held)) return 'unchanged';
  throw new EntenteError('crl_conflict', `agency ${incoming.body.agency} signed two different revocation lists with sequence ${a}; the second was refused`);
}

/** Lookup over the lists held: is this agency's serial revoked? */
export type RevocationCheck = (agency: string, serial: number) => boolean;

export function revocationCheck(lists: readonly Signed<RevocationListBody>[]): RevocationCheck {
  const byAgency = new Map(lists.map((l) => [l.body.agency, new Set(l.body.serials)]));
  return (agency, serial) => byAgency.get(agency)?.has(serial) ?? false;
}
