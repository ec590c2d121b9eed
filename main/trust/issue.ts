import { EntenteError } from '../../shared/errors';
import type { Clearance } from '../policy';
import { randomBytes, wipe } from '../crypto/sodium';
import type { AgencyFolder } from './agency-folder';
import { decodeField } from './base64url';
import { checkClearanceKnown } from './clearance';
import { CountryCode } from './countries';
import { toTimestamp } from './fields';
import { Credential, EnrolmentRequest, type CredentialBody, type EnrolmentRequestBody } from './objects';
import { createSigned, decodeSigned, hasValidSignature, type Signed } from './signed';

/**
 * Issuing a credential (docs/TRUST.md §3): the agency checks that the request proves possession of
 * both keys, that the clearance exists in its policy, then signs.
 */

/** Reads an enrolment request and checks both proofs of possession (`enrolment_proof_invalid`). */
export function verifyEnrolmentRequest(bytes: Uint8Array): Signed<EnrolmentRequestBody> {
  const request = decodeSigned(EnrolmentRequest, bytes);
  if (!hasValidSignature(EnrolmentRequest, request, 'identity', decodeField(request.body.identityKey))) {
    throw new EntenteError('enrolment_proof_invalid', 'the enrolment request is not signed by the identity key it presents (altered, or not made by the holder of that key)');
  }
  if (!hasValidSignature(EnrolmentRequest, request, 'agreement', decodeField(request.body.agreementKey))) {
    throw new EntenteError('enrolment_proof_invalid', 'the enrolment request does not prove possession of the X25519 agreement key it presents');
  }
  return request;
}

export interface IssueOptions {
  clearance: Clearance;
  /** ISO 3166-1 alpha-3; default: the agency's country. */
  nationality?: string;
  notBefore: number;
  validDays: number;
}

export const MAX_VALID_DAYS = 5 * 366;
const DAY_MS = 86_400_000;

/** A serial no other credential of this agency has: random, so serials reveal nothing about headcount. */
function freshSerial(taken: ReadonlySet<number>): number {
  for (;;) {
    const b = randomBytes(6);
    const n = b.reduce((acc, x) => acc * 256 + x, 0);
    wipe(b);
    if (n > 0 && !taken.has(n)) return n;
  }
}

/** Signs a credential for `request` and records it in the ledger. */
export async function issueCredential(agency: AgencyFolder, passphrase: Uint8Array, request: Signed<EnrolmentRequestBody>, options: IssueOptions, now: number = Date.now()): Promise<Signed<CredentialBody>> {
  const nationality = options.nationality ?? agency.card.body.country;
  if (!CountryCode.safeParse(nationality).success) throw new EntenteError('invalid_input', `nationality "${nationality}" is not an ISO 3166-1 alpha-3 country code`);
  if (!Number.isInteger(options.validDays) || options.validDays < 1 || options.validDays > MAX_VALID_DAYS) {
    throw new EntenteError('invalid_input', `the validity must be 1 to ${MAX_VALID_DAYS} days`);
  }
  checkClearanceKnown(agency.policies, agency.card.body.policies, options.clearance);
  const ledger = agency.readLedger();
  const other = ledger.issued.find((e) => e.identityKey === request.body.identityKey && e.officerId !== request.body.officerId);
  if (other !== undefined) throw new EntenteError('invalid_input', `this identity key was already enrolled as officer "${other.officerId}"; one key belongs to one officer`);
  const notBefore = toTimestamp(options.notBefore);
  const body: CredentialBody = {
    serial: freshSerial(new Set(ledger.issued.map((e) => e.serial))),
    agency: agency.id,
    officerId: request.body.officerId,
    name: request.body.name,
    nationality,
    clearance: options.clearance,
    identityKey: request.body.identityKey,
    agreementKey: request.body.agreementKey,
    notBefore,
    notAfter: toTimestamp(Date.parse(notBefore) + options.validDays * DAY_MS),
  };
  const credential = await agency.withRootKey(passphrase, (keys) => createSigned(Credential, body, 'issuer', keys.secretKey));
  ledger.issued.push({ serial: body.serial, officerId: body.officerId, name: body.name, identityKey: body.identityKey, notBefore: body.notBefore, notAfter: body.notAfter, issuedAt: toTimestamp(now) });
  agency.writeLedger(ledger);
  return credential;
}
