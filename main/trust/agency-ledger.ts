import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import { writeFileAtomic } from '../store/atomic-file';
import { AgencyId, DisplayName, Ed25519PublicKey, OfficerId, Serial, SerialSet, Timestamp } from './fields';
import { AgreementBody } from './objects';

/**
 * ledger.json in the agency folder: what the agency has issued and revoked, so serials stay unique,
 * revocation lists stay cumulative with a rising sequence, and agreements can be found again. It holds
 * no secret. It is not signed: whoever can write the agency folder can also take the root key file and
 * try passphrases, so a signature would add no protection against them.
 */
const LEDGER_FORMAT = 'entente-agency-ledger' as const;
const MAX_BYTES = 64 * 1024 * 1024;

const Issued = z.strictObject({
  serial: Serial,
  officerId: OfficerId,
  name: DisplayName,
  identityKey: Ed25519PublicKey,
  notBefore: Timestamp,
  notAfter: Timestamp,
  issuedAt: Timestamp,
});
export type IssuedEntry = z.infer<typeof Issued>;

const AgreementEntry = z.strictObject({
  id: z.string(),
  partner: AgencyId,
  /** Whether this agency proposed it (signed first) or countersigned it. */
  role: z.enum(['proposer', 'partner']),
  complete: z.boolean(),
  body: AgreementBody,
  recordedAt: Timestamp,
});
export type AgreementEntry = z.infer<typeof AgreementEntry>;

const Ledger = z.strictObject({
  format: z.literal(LEDGER_FORMAT),
  version: z.literal(1),
  issued: z.array(Issued).max(1_000_000),
  revocation: z.strictObject({ sequence: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), serials: SerialSet(100_000) }),
  agreements: z.array(AgreementEntry).max(100_000),
});
export type Ledger = z.infer<typeof Ledger>;

export const emptyLedger = (): Ledger => ({ format: LEDGER_FORMAT, version: 1, issued: [], revocation: { sequence: 0, serials: [] }, agreements: [] });

export function readLedger(path: string): Ledger {
  let json: unknown;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_BYTES) throw new Error('too large');
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new EntenteError('agency_missing', `${path} is missing: this is not a complete agency folder.`);
    throw new EntenteError('agency_ledger_corrupt', `${path} is damaged; restore it from the agency's backup.`, { cause: err });
  }
  const parsed = Ledger.safeParse(json);
  if (!parsed.success) throw new EntenteError('agency_ledger_corrupt', `${path} is damaged (problem at ${parsed.error.issues[0]?.path.join('.') || 'top level'}); restore it from the agency's backup.`);
  return parsed.data;
}

export function writeLedger(path: string, ledger: Ledger): void {
  writeFileAtomic(path, `${JSON.stringify(Ledger.parse(ledger), null, 1)}\n`);
}
