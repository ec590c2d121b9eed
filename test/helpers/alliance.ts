import { join } from 'node:path';
import { readPolicyText } from '../../cli/policies';
import { checkEvent } from '../../main/audit/entry';
import { MemoryAuditSink } from '../../main/audit/sink';
import { sealEnvelope } from '../../main/crypto/envelope';
import { dhKeyPair, signKeyPair, sodiumReady, type KeyPair } from '../../main/crypto/sodium';
import { createIdentity, type OfficerIdentity } from '../../main/identity/officer';
import { currentSignedPrekey, rotatePrekeys } from '../../main/identity/prekeys';
import type { Profile } from '../../main/identity/profile';
import { createMessagingContext, type MessagingContext } from '../../main/messaging/context';
import { headerTime } from '../../main/messaging/freshness';
import { importPeerPrekey, ownSignedPrekeyBytes } from '../../main/messaging/peer-prekeys';
import { compileSpif, normalizeCategories, parseLabelMarking, type CategoryRef, type Label, type Policy } from '../../main/policy';
import { decodeField, toBase64url } from '../../main/trust/base64url';
import { importFiles, type ImportFile } from '../../main/trust/import';
import { toTimestamp } from '../../main/trust/fields';
import { AgencyCard, Agreement, Credential, RevocationList, SignedPrekey, type AgreementBody, type CredentialBody, type SignedPrekeyBody } from '../../main/trust/objects';
import { addSignature, createSigned, encodeSigned, type Signed } from '../../main/trust/signed';
import { newProfile } from './profile';
import { tempDir } from './tmp';
import { seeded } from './trust-fixtures';

/**
 * A small alliance for messaging tests, built quickly and deterministically: agencies with root keys
 * from seeds, officers with credentials under the shipped NATO policy, countersigned agreements,
 * real profiles (INTERACTIVE KDF) holding every card, credential, agreement and revocation list,
 * rotated prekeys imported into every other profile, and a MessagingContext per profile on one clock.
 * Objects are signed directly with the roots (no agency folders: Argon2id there would be slow).
 */

export const NATO = '1.3.26.1.3.1';
/** The alliance's "now": credentials and agreements are valid around it. */
export const T0 = Date.parse('2026-06-01T10:00:00.000Z');
export const DAY = 86_400_000;

export const REL = (lacv: number): CategoryRef => ({ tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv });
export const ATOMAL: CategoryRef = { tagSetId: '1.3.26.1.4.1', tagType: 'restrictive', lacv: 1 };
export const FRA = REL(250);
export const GBR = REL(826);
export const DEU = REL(276);
export const ITA = REL(380);
export const REL_NATO = REL(1001);

export const AGENCIES = {
  'fr-dgsi': { name: 'Direction générale de la sécurité intérieure', country: 'FRA', seed: 101, rel: FRA },
  'uk-demo': { name: 'UK demo agency', country: 'GBR', seed: 102, rel: GBR },
  'de-demo': { name: 'DE demo agency', country: 'DEU', seed: 103, rel: DEU },
  'it-demo': { name: 'IT demo agency', country: 'ITA', seed: 104, rel: ITA },
} as const;
export type AgencyKey = keyof typeof AGENCIES;

export interface OfficerSpec {
  agency: AgencyKey;
  officerId: string;
  /** Cleared classifications (lacvs: 1 NU … 5 CTS). A list, not a ceiling. */
  classifications: number[];
  /** Default: the releasability of the agency's country. */
  categories?: CategoryRef[];
  /** false: keys from seeds and a credential, no profile (a sender the tests seal as directly). */
  profile?: boolean;
  notBefore?: string;
  notAfter?: string;
  revoked?: boolean;
  /** For officers without a profile: publish a signed prekey (default true). */
  prekey?: boolean;
}

export interface AgreementSpec {
  between: [AgencyKey, AgencyKey];
  ceiling: number;
  categories: CategoryRef[];
  notBefore?: string;
  notAfter?: string;
}

export interface Member {
  agency: string;
  officerId: string;
  credential: Signed<CredentialBody>;
  signPublic: Uint8Array;
  signSecret: Uint8Array;
  dhPublic: Uint8Array;
  /** Only for officers with a profile. */
  profile?: Profile;
  identity?: OfficerIdentity;
  ctx?: MessagingContext;
  audit?: MemoryAuditSink;
}

export interface WithProfile extends Member {
  profile: Profile;
  identity: OfficerIdentity;
  ctx: MessagingContext;
  audit: MemoryAuditSink;
}

export interface Alliance {
  clock: { t: number };
  policy: Policy;
  natoSpif: string;
  roots: Record<AgencyKey, KeyPair>;
  members: Map<string, Member>;
  /** The officer by id (ids are unique across the alliance in these tests). */
  get(officerId: string): Member;
  /** The officer by id, which must have a profile. */
  p(officerId: string): WithProfile;
  label(marking: string): Label;
  /** Every event the profiles' sinks received, each checked by the audit log's own event schema. */
  checkAudit(): number;
  close(): void;
}

const VALID_FROM = '2026-01-01T00:00:00Z';
const VALID_TO = '2027-01-01T00:00:00Z';

const file = (name: string, obj: Signed<unknown>): ImportFile => ({ name, bytes: new TextEncoder().encode(encodeSigned(obj)) });

export async function buildAlliance(officers: readonly OfficerSpec[], agreements: readonly AgreementSpec[]): Promise<Alliance> {
  await sodiumReady();
  const tmp = tempDir('entente-alliance-');
  const clock = { t: T0 };
  const natoSpif = readPolicyText('nato');
  const policy = compileSpif(natoSpif);
  const roots = Object.fromEntries(Object.entries(AGENCIES).map(([id, a]) => [id, signKeyPair(seeded(a.seed))])) as Record<AgencyKey, KeyPair>;
  const cards = (Object.keys(AGENCIES) as AgencyKey[]).map((id) =>
    createSigned(AgencyCard, { id, name: AGENCIES[id].name, country: AGENCIES[id].country, rootKey: toBase64url(roots[id].publicKey), policies: [NATO], created: '2026-01-01T00:00:00Z' }, 'root', roots[id].secretKey),
  );
  const members = new Map<string, Member>();
  const serials: Record<string, number> = {};
  const revoked: Record<string, number[]> = {};
  let seed = 150;
  const late: { credential: Signed<CredentialBody>; at: number }[] = [];
  const profiles: { member: Member; profile: Profile; identity: OfficerIdentity }[] = [];
  const published: Uint8Array[] = [];

  for (const spec of officers) {
    let keys: { signPublic: Uint8Array; signSecret: Uint8Array; dhPublic: Uint8Array };
    let owned: { profile: Profile; identity: OfficerIdentity } | undefined;
    if (spec.profile === false) {
      const sign = signKeyPair(seeded(seed++));
      const agree = dhKeyPair(seeded(seed++));
      keys = { signPublic: sign.publicKey, signSecret: sign.secretKey, dhPublic: agree.publicKey };
      if (spec.prekey !== false) published.push(seededPrekey(spec.agency, spec.officerId, sign, seed++));
    } else {
      const profile = await newProfile(join(tmp.path, spec.officerId));
      const identity = createIdentity(profile, spec.officerId, `Officer ${spec.officerId}`, T0);
      keys = { signPublic: identity.signPublic, signSecret: identity.signSecret, dhPublic: identity.dhPublic };
      owned = { profile, identity };
    }
    const serial = (serials[spec.agency] = (serials[spec.agency] ?? 100) + 1);
    const body: CredentialBody = {
      serial,
      agency: spec.agency,
      officerId: spec.officerId,
      name: `Officer ${spec.officerId}`,
      nationality: AGENCIES[spec.agency].country,
      clearance: { policyId: NATO, classifications: [...new Set(spec.classifications)].sort((a, b) => a - b), categories: normalizeCategories(spec.categories ?? [AGENCIES[spec.agency].rel]) },
      identityKey: toBase64url(keys.signPublic),
      agreementKey: toBase64url(keys.dhPublic),
      notBefore: spec.notBefore ?? VALID_FROM,
      notAfter: spec.notAfter ?? VALID_TO,
    };
    const credential = createSigned(Credential, body, 'issuer', roots[spec.agency].secretKey);
    if (spec.revoked === true) (revoked[spec.agency] ??= []).push(serial);
    const validNow = Date.parse(body.notBefore) <= T0 && T0 < Date.parse(body.notAfter);
    if (!validNow) late.push({ credential, at: Date.parse(body.notBefore) + 1000 });
    const member: Member = { agency: spec.agency, officerId: spec.officerId, credential, ...keys };
    members.set(spec.officerId, member);
    if (owned !== undefined) profiles.push({ member, ...owned });
  }

  const agreementObjects = agreements.map((a, i) => {
    const [proposer, partner] = a.between;
    const body: AgreementBody = {
      id: toBase64url(new Uint8Array(16).fill(200 + i)),
      proposer,
      proposerKey: toBase64url(roots[proposer].publicKey),
      partner,
      partnerKey: toBase64url(roots[partner].publicKey),
      policy: NATO,
      ceiling: a.ceiling,
      categories: normalizeCategories(a.categories),
      notBefore: a.notBefore ?? VALID_FROM,
      notAfter: a.notAfter ?? VALID_TO,
    };
    return addSignature(Agreement, createSigned(Agreement, body, 'proposer', roots[proposer].secretKey), 'partner', roots[partner].secretKey);
  });
  const crls = Object.entries(revoked).map(([agency, list]) =>
    createSigned(RevocationList, { agency, sequence: 1, issued: '2026-05-01T00:00:00Z', serials: [...list].sort((a, b) => a - b) }, 'issuer', roots[agency as AgencyKey].secretKey),
  );

  const current = [...members.values()].map((m) => m.credential).filter((c) => !late.some((l) => l.credential === c));
  for (const { member, profile, identity } of profiles) {
    const base: ImportFile[] = [
      { name: 'nato.xml', bytes: new TextEncoder().encode(natoSpif) },
      ...cards.map((c) => file(`${c.body.id}.card`, c)),
      ...current.map((c) => file(`${c.body.officerId}.cred`, c)),
      ...agreementObjects.map((a, i) => file(`agreement-${i}`, a)),
    ];
    importFiles(profile, identity, base, { now: T0 });
    for (const l of late) importFiles(profile, identity, [file(`${l.credential.body.officerId}.cred`, l.credential)], { now: l.at });
    if (crls.length > 0) importFiles(profile, identity, crls.map((c, i) => file(`crl-${i}`, c)), { now: T0 });
    const audit = new MemoryAuditSink();
    member.profile = profile;
    member.identity = identity;
    member.audit = audit;
    // The own credential may be one not in force (a test of an expired or revoked receiver).
    rotatePrekeys(profile, identity, member.credential, T0);
    member.ctx = createMessagingContext(profile, { audit, now: () => clock.t });
  }
  for (const { member: a } of profiles) {
    if (a.ctx === undefined) continue;
    for (const { member: b } of profiles) {
      if (a === b || b.ctx === undefined) continue;
      const bytes = ownSignedPrekeyBytes(b.ctx);
      if (bytes !== undefined) importPeerPrekey(a.ctx, bytes);
    }
    for (const bytes of published) importPeerPrekey(a.ctx, bytes);
  }
  for (const { member } of profiles) member.audit?.events.splice(0);

  const get = (officerId: string): Member => {
    const m = members.get(officerId);
    if (m === undefined) throw new Error(`no officer ${officerId} in the alliance`);
    return m;
  };
  return {
    clock,
    policy,
    natoSpif,
    roots,
    members,
    get,
    p: (officerId) => {
      const m = get(officerId);
      if (m.ctx === undefined) throw new Error(`${officerId} has no profile`);
      return m as WithProfile;
    },
    label: (marking) => parseLabelMarking(policy, marking),
    checkAudit: () => {
      let n = 0;
      for (const { member } of profiles) {
        for (const event of member.audit?.events ?? []) {
          checkEvent(event);
          n += 1;
        }
      }
      return n;
    },
    close: () => {
      for (const { profile } of profiles) profile.lock();
      tmp.remove();
    },
  };
}

/** A signed prekey for an officer without a profile (its private half is not kept: it never receives). */
export function seededPrekey(agency: string, officerId: string, sign: KeyPair, seed: number, id = 1, created = T0): Uint8Array {
  const body: SignedPrekeyBody = {
    agency,
    officerId,
    identityKey: toBase64url(sign.publicKey),
    prekeyId: id,
    key: toBase64url(dhKeyPair(seeded(seed)).publicKey),
    created: toTimestamp(created),
    expires: toTimestamp(created + 7 * DAY),
  };
  return new TextEncoder().encode(encodeSigned(createSigned(SignedPrekey, body, 'identity', sign.secretKey)));
}

export interface SealAs {
  channel: string;
  to: readonly Member[];
  label: Label;
  plaintext: Uint8Array;
  kind?: 'note' | 'control';
  time?: number;
  seq: number;
  /** Header sender when it is not `from` (a forgery). */
  claim?: Member;
  random?: (length: number) => Uint8Array;
}

/** Seals as `from` directly, bypassing every check of the send pipeline: what a hostile sender can do. */
export function sealAs(from: Member, s: SealAs): Uint8Array {
  const claim = s.claim ?? from;
  return sealEnvelope({
    channel: s.channel,
    kind: s.kind ?? 'note',
    sender: { agency: claim.agency, officerId: claim.officerId, serial: claim.credential.body.serial },
    time: headerTime(s.time ?? T0),
    seq: s.seq,
    label: s.label,
    recipients: s.to.map((r) => {
      if (r.profile === undefined) throw new Error(`${r.officerId} has no profile, hence no prekey`);
      const prekey = currentSignedPrekey(r.profile);
      if (prekey === undefined) throw new Error(`${r.officerId} has no prekey`);
      return { agency: r.agency, officerId: r.officerId, prekeyId: prekey.body.prekeyId, prekey: decodeField(prekey.body.key), identityDh: r.dhPublic };
    }),
    plaintext: s.plaintext,
    signSecret: from.signSecret,
    ...(s.random === undefined ? {} : { random: s.random }),
  }).bytes;
}

const STORE_TABLES = ['channels', 'channel_members', 'notes', 'seen_notes', 'outbox', 'receipts'] as const;

/** Every row of the note store's tables, to prove a refusal changed nothing. */
export function storeSnapshot(profile: Profile): string {
  return JSON.stringify(
    STORE_TABLES.map((t) => [t, profile.db.connection.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all().map((r) => Object.entries(r).map(([k, v]) => [k, v instanceof Uint8Array ? toBase64url(v) : v]))]),
  );
}
