import { dhKeyPair, randomBytes, signKeyPair, type KeyPair } from '../../../main/crypto/sodium';
import { toBase64url } from '../../../main/trust/base64url';
import { AgencyCard, Agreement, Credential, RevocationList, type CredentialBody } from '../../../main/trust/objects';
import { addSignature, createSigned, encodeSigned } from '../../../main/trust/signed';
import type { ImportFile } from '../../../main/trust/import';

/** Signed trust objects made in memory (no agency folder, no KDF): for tests of what importing records. */
export const NATO = '1.3.26.1.3.1';
const enc = (name: string, text: string): ImportFile => ({ name, bytes: new TextEncoder().encode(text) });

export interface TestAgency {
  id: string;
  root: KeyPair;
  card: ImportFile;
}

export function agency(id: string, country = 'FRA'): TestAgency {
  const root = signKeyPair();
  const card = createSigned(AgencyCard, { id, name: `Agency ${id}`, country, rootKey: toBase64url(root.publicKey), policies: [NATO], created: '2026-01-01T00:00:00Z' }, 'root', root.secretKey);
  return { id, root, card: enc(`${id}.card.json`, encodeSigned(card)) };
}

export function credential(a: TestAgency, officerId: string, keys: { sign: Uint8Array; dh: Uint8Array }, serial: number, notBefore = '2026-01-01T00:00:00Z'): ImportFile {
  const body: CredentialBody = {
    serial,
    agency: a.id,
    officerId,
    name: `Officer ${officerId}`,
    nationality: 'FRA',
    clearance: { policyId: NATO, classifications: [1, 2, 3, 4], categories: [] },
    identityKey: toBase64url(keys.sign),
    agreementKey: toBase64url(keys.dh),
    notBefore,
    notAfter: '2036-01-01T00:00:00Z',
  };
  return enc(`${officerId}-${serial}.cred.json`, encodeSigned(createSigned(Credential, body, 'issuer', a.root.secretKey)));
}

/** Fresh keys for another officer. */
export const peerKeys = () => ({ sign: signKeyPair().publicKey, dh: dhKeyPair().publicKey });

export function agreement(proposer: TestAgency, partner: TestAgency, countersigned = true): ImportFile {
  const body = {
    id: toBase64url(randomBytes(16)),
    proposer: proposer.id,
    proposerKey: toBase64url(proposer.root.publicKey),
    partner: partner.id,
    partnerKey: toBase64url(partner.root.publicKey),
    policy: NATO,
    ceiling: 3,
    categories: [],
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2030-01-01T00:00:00Z',
  };
  const proposed = createSigned(Agreement, body, 'proposer', proposer.root.secretKey);
  return enc('agreement.json', encodeSigned(countersigned ? addSignature(Agreement, proposed, 'partner', partner.root.secretKey) : proposed));
}

export function revocationList(a: TestAgency, sequence: number, serials: number[], signer: KeyPair = a.root): ImportFile {
  return enc(`${a.id}-crl-${sequence}.json`, encodeSigned(createSigned(RevocationList, { agency: a.id, sequence, issued: '2026-02-01T00:00:00Z', serials }, 'issuer', signer.secretKey)));
}

export const garbage = (name: string, text: string): ImportFile => enc(name, text);
