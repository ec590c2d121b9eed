import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sealEnvelope } from '../../main/crypto/envelope';
import { dhKeyPair, signDetached, signKeyPair, sodiumReady, type KeyPair } from '../../main/crypto/sodium';
import { CONTENT_VERSION, encodeContent } from '../../main/messaging/content';
import { RelayClient, type RelayClientOptions } from '../../main/transport/relay-client';
import { toBase64url } from '../../main/trust/base64url';
import { toTimestamp } from '../../main/trust/fields';
import { AgencyCard, Credential, type AgencyCardBody, type CredentialBody } from '../../main/trust/objects';
import { createSigned, encodeSigned, type Signed } from '../../main/trust/signed';
import { normalizeLabel, type Label } from '../../shared/labels';

/**
 * Many officers of a few agencies, for load tests and the relay benchmark: fresh keys, credentials
 * valid around the real clock (the relay checks them against its own), and real sealed envelopes
 * (specs/ENVELOPE.md) whose clear header names the sender's credential serial and the recipients,
 * exactly as the relay's binding check wants them. No profiles: nothing here opens an envelope.
 */

export const NATO = '1.3.26.1.3.1';
const DAY = 86_400_000;
const REL = (lacv: number) => ({ tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive' as const, lacv });

const AGENCIES = [
  { id: 'fr-dgsi', name: 'Direction générale de la sécurité intérieure', country: 'FRA', rel: 250 },
  { id: 'uk-demo', name: 'UK demo agency', country: 'GBR', rel: 826 },
] as const;

export interface FleetAgency {
  id: string;
  root: KeyPair;
  card: Signed<AgencyCardBody>;
}

export interface FleetOfficer {
  agency: string;
  officerId: string;
  serial: number;
  sign: KeyPair;
  dh: KeyPair;
  prekey: KeyPair;
  credentialText: string;
}

export interface SealedNote {
  id: string;
  from: FleetOfficer;
  to: FleetOfficer[];
  bytes: Uint8Array;
}

export interface Fleet {
  agencies: FleetAgency[];
  officers: FleetOfficer[];
  /** Writes each agency's card to `dir`; returns the paths (for `entente relay --trust`). */
  writeCards(dir: string): string[];
  /** A real sealed envelope from `from` to `to` (1 KiB of note text by default). */
  seal(from: FleetOfficer, to: readonly FleetOfficer[], seq: number, textBytes?: number): SealedNote;
  /** A relay client logged in as `officer` (call connect()). */
  client(officer: FleetOfficer, url: string, options?: Partial<RelayClientOptions>): RelayClient;
}

/** The label every fleet note carries: NATO CONFIDENTIAL REL TO FRA, GBR. */
export const FLEET_LABEL: Label = normalizeLabel({ policyId: NATO, classification: 3, categories: [REL(250), REL(826)] });

export async function buildFleet(count: number): Promise<Fleet> {
  await sodiumReady();
  const now = Date.now();
  const agencies: FleetAgency[] = AGENCIES.map((a) => {
    const root = signKeyPair();
    const body: AgencyCardBody = { id: a.id, name: a.name, country: a.country, rootKey: toBase64url(root.publicKey), policies: [NATO], created: toTimestamp(now - 2 * DAY) };
    return { id: a.id, root, card: createSigned(AgencyCard, body, 'root', root.secretKey) };
  });
  const officers: FleetOfficer[] = Array.from({ length: count }, (_, i) => {
    const a = AGENCIES[i % AGENCIES.length] as (typeof AGENCIES)[number];
    const agency = agencies[i % agencies.length] as FleetAgency;
    const sign = signKeyPair();
    const dh = dhKeyPair();
    const officerId = `officer${String(i).padStart(3, '0')}`;
    const body: CredentialBody = {
      serial: 1000 + i,
      agency: a.id,
      officerId,
      name: `Officer ${i}`,
      nationality: a.country,
      clearance: { policyId: NATO, classifications: [1, 2, 3, 4], categories: [REL(a.rel)] },
      identityKey: toBase64url(sign.publicKey),
      agreementKey: toBase64url(dh.publicKey),
      notBefore: toTimestamp(now - DAY),
      notAfter: toTimestamp(now + 30 * DAY),
    };
    const credential = createSigned(Credential, body, 'issuer', agency.root.secretKey);
    return { agency: a.id, officerId, serial: body.serial, sign, dh, prekey: dhKeyPair(), credentialText: encodeSigned(credential) };
  });
  const channel = toBase64url(new Uint8Array(16).fill(7));
  const filler = 'The liaison meeting moves to 14:00 in room B; bring the annex and the visitor list. ';

  return {
    agencies,
    officers,
    writeCards(dir) {
      return agencies.map((a) => {
        const path = join(dir, `${a.id}.card.json`);
        writeFileSync(path, encodeSigned(a.card));
        return path;
      });
    },
    seal(from, to, seq, textBytes = 1024) {
      const text = filler.repeat(Math.ceil(textBytes / filler.length)).slice(0, textBytes);
      const sealed = sealEnvelope({
        channel,
        kind: 'note',
        sender: { agency: from.agency, officerId: from.officerId, serial: from.serial },
        time: new Date(now).toISOString(),
        seq,
        label: FLEET_LABEL,
        recipients: to.map((r) => ({ agency: r.agency, officerId: r.officerId, prekeyId: 1, prekey: r.prekey.publicKey, identityDh: r.dh.publicKey })),
        plaintext: encodeContent({ v: CONTENT_VERSION, type: 'note', text }),
        signSecret: from.sign.secretKey,
      });
      return { id: sealed.header.id, from, to: [...to], bytes: sealed.bytes };
    },
    client(officer, url, options = {}) {
      return new RelayClient({ backoff: { baseMs: 100, maxMs: 1000 }, ...options, url, credential: officer.credentialText, sign: (m) => signDetached(m, officer.sign.secretKey) });
    },
  };
}

/** `{agency, officerId}` of an officer, as a send names its recipients. */
export const refOf = (o: { agency: string; officerId: string }) => ({ agency: o.agency, officerId: o.officerId });
