import { EntenteError } from '../../shared/errors';
import { PolicyRegistry, compileSpif, type Policy } from '../policy';
import { asBlob } from '../store/blob';
import { NO_AUDIT, type AuditSink } from '../audit/sink';
import type { EncryptedDatabase } from '../store/database';
import { decodeField } from './base64url';
import { toTimestamp } from './fields';
import { agencyFingerprint } from './fingerprint';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
import { AgencyCard, Agreement, Credential, RevocationList, type AgencyCardBody, type AgreementBody, type CredentialBody, type RevocationListBody } from './objects';
import { listAgainstHeld, revocationCheck, type RevocationCheck } from './revocation';
import { decodeSigned, encodeSigned, type Signed } from './signed';
import { cardAgainstPin, validityAt, type PinnedAgency } from './verify';

/**
 * The profile's trust store (migrations 3 and 4): pinned agency cards, imported policies, credentials,
 * sharing agreements, revocation lists.
 * Objects are stored as their exact signed bytes and re-decoded on read, so what is used is always
 * what was verified, and a damaged row is an error rather than a silently different object.
 * Callers verify before storing (import.ts); this class only persists and reads.
 */
export class TrustStore {
  constructor(private readonly db: EncryptedDatabase) {}

  /** For the stores that share the profile database (peers.ts), within the same transaction. */
  get database(): EncryptedDatabase {
    return this.db;
  }

  private get conn() {
    return this.db.connection;
  }

  // ---- agencies ---------------------------------------------------------------------------------

  agency(id: string): PinnedAgency | undefined {
    const row = this.conn.prepare('SELECT card FROM agencies WHERE agency_id = ?').get([id]);
    return row === undefined ? undefined : pinnedFrom(row.card);
  }

  agencies(): PinnedAgency[] {
    return this.conn.prepare('SELECT card FROM agencies ORDER BY agency_id').all().map((r) => pinnedFrom(r.card));
  }

  /** Verifies the card against the pin (trust_card_key_changed) and stores it when new or newer. */
  pinCard(card: Signed<AgencyCardBody>, now: number): 'new' | 'unchanged' | 'updated' {
    const outcome = cardAgainstPin(card, this.agency(card.body.id));
    const at = toTimestamp(now);
    if (outcome === 'new') {
      this.conn.prepare('INSERT INTO agencies (agency_id, root_key, card, pinned_at, updated_at) VALUES (?, ?, ?, ?, ?)').run([card.body.id, asBlob(decodeField(card.body.rootKey)), encodeSigned(card), at, at]);
    } else if (outcome === 'updated') {
      this.conn.prepare('UPDATE agencies SET card = ?, updated_at = ? WHERE agency_id = ?').run([encodeSigned(card), at, card.body.id]);
    }
    return outcome;
  }

  /**
   * Removes an agency's pin and everything verified by its key (credentials, agreements involving it,
   * its revocation list), so that a card with a new key can be pinned. Deliberate and local: the
   * caller must give the pinned fingerprint, proving they looked at what they are discarding. Peer
   * keys are kept, so colleagues re-issued under the new key still show as key changes if their keys differ.
   */
  unpinAgency(id: string, fingerprintHex: string, audit: AuditSink = NO_AUDIT): void {
    const pinned = this.agency(id);
    if (pinned === undefined) throw new EntenteError('trust_unknown_agency', `agency ${id} is not pinned here`);
    const given = fingerprintHex.replace(/\s+/g, '').toLowerCase();
    if (given !== toHex(agencyFingerprint(pinned.card.body))) {
      audit.record({ type: 'agency_unpinned', outcome: 'refused', actor: 'self', code: 'invalid_input', subjects: [id] });
      throw new EntenteError('invalid_input', `that is not the fingerprint pinned for ${id}; nothing was removed`);
    }
    this.db.transaction(() => {
      audit.record({ type: 'agency_unpinned', outcome: 'ok', actor: 'self', subjects: [id], details: { fingerprint: toHex(agencyFingerprint(pinned.card.body)) } });
      this.conn.prepare('DELETE FROM agreements WHERE proposer = ? OR partner = ?').run([id, id]);
      this.conn.prepare('DELETE FROM revocation_lists WHERE agency_id = ?').run([id]);
      this.conn.prepare('DELETE FROM credentials WHERE agency_id = ?').run([id]);
      this.conn.prepare('DELETE FROM agencies WHERE agency_id = ?').run([id]);
    });
  }

  // ---- policies ---------------------------------------------------------------------------------

  /** Compiles and stores a SPIF (replacing one with the same OID). */
  addPolicy(spif: string, now: number): { policy: Policy; outcome: 'new' | 'updated' | 'unchanged' } {
    const policy = compileSpif(spif);
    const held = this.conn.prepare('SELECT spif FROM policies WHERE policy_id = ?', { pluck: true }).get([policy.id]);
    if (held === spif) return { policy, outcome: 'unchanged' };
    this.conn
      .prepare('INSERT INTO policies (policy_id, name, spif, imported_at) VALUES (?, ?, ?, ?) ON CONFLICT (policy_id) DO UPDATE SET name = excluded.name, spif = excluded.spif, imported_at = excluded.imported_at')
      .run([policy.id, policy.name, spif, toTimestamp(now)]);
    return { policy, outcome: held === undefined ? 'new' : 'updated' };
  }

  /** The imported policies, then every `fallback` SPIF (the shipped ones) whose OID is not imported. */
  policyRegistry(fallback: readonly string[] = []): PolicyRegistry {
    const registry = new PolicyRegistry();
    for (const spif of this.conn.prepare('SELECT spif FROM policies ORDER BY policy_id', { pluck: true }).all()) registry.loadSpif(String(spif));
    for (const spif of fallback) {
      const policy = compileSpif(spif);
      if (registry.get(policy.id) === undefined) registry.add(policy);
    }
    return registry;
  }

  // ---- credentials ------------------------------------------------------------------------------

  addCredential(credential: Signed<CredentialBody>, own: boolean, now: number): 'new' | 'unchanged' {
    const b = credential.body;
    const held = this.conn.prepare('SELECT credential FROM credentials WHERE agency_id = ? AND serial = ?', { pluck: true }).get([b.agency, b.serial]);
    if (held !== undefined) {
      if (held === encodeSigned(credential)) return 'unchanged';
      throw new EntenteError('signature_invalid', `agency ${b.agency} signed two different credentials with serial ${b.serial}; the second was refused`);
    }
    this.conn
      .prepare('INSERT INTO credentials (agency_id, serial, officer_id, identity_key, not_before, not_after, own, credential, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run([b.agency, b.serial, b.officerId, asBlob(decodeField(b.identityKey)), b.notBefore, b.notAfter, own ? 1 : 0, encodeSigned(credential), toTimestamp(now)]);
    return 'new';
  }

  credentials(filter: { own?: boolean; agency?: string; officerId?: string } = {}): Signed<CredentialBody>[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (clause: string, value: string | number) => {
      where.push(clause);
      params.push(value);
    };
    if (filter.own !== undefined) add('own = ?', filter.own ? 1 : 0);
    if (filter.agency !== undefined) add('agency_id = ?', filter.agency);
    if (filter.officerId !== undefined) add('officer_id = ?', filter.officerId);
    const sql = `SELECT credential FROM credentials${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY not_after DESC, serial`;
    return this.conn.prepare(sql, { pluck: true }).all(params).map((t) => decodeStored(Credential, t));
  }

  /** The officer's own credential in force at `now` (valid, not revoked) with the latest expiry, if any. */
  ownCredential(now: number): Signed<CredentialBody> | undefined {
    const revoked = this.revocationCheck();
    return this.credentials({ own: true }).find((c) => validityAt(c.body, now) === 'valid' && !revoked(c.body.agency, c.body.serial));
  }

  // ---- agreements -------------------------------------------------------------------------------

  /** Stores a verified agreement; the same id with other content is refused (it would be a second signing). */
  addAgreement(agreement: Signed<AgreementBody>, now: number): 'new' | 'unchanged' {
    const b = agreement.body;
    const held = this.conn.prepare('SELECT agreement FROM agreements WHERE agreement_id = ?', { pluck: true }).get([b.id]);
    if (held !== undefined) {
      if (held === encodeSigned(agreement)) return 'unchanged';
      throw new EntenteError('signature_invalid', `a different agreement with id ${b.id} is already held; the second was refused`);
    }
    this.conn
      .prepare('INSERT INTO agreements (agreement_id, proposer, partner, not_after, agreement, imported_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run([b.id, b.proposer, b.partner, b.notAfter, encodeSigned(agreement), toTimestamp(now)]);
    return 'new';
  }

  agreements(): Signed<AgreementBody>[] {
    return this.conn.prepare('SELECT agreement FROM agreements ORDER BY not_after DESC, agreement_id', { pluck: true }).all().map((t) => decodeStored(Agreement, t));
  }

  // ---- revocation lists -------------------------------------------------------------------------

  revocationList(agency: string): Signed<RevocationListBody> | undefined {
    const text = this.conn.prepare('SELECT list FROM revocation_lists WHERE agency_id = ?', { pluck: true }).get([agency]);
    return text === undefined ? undefined : decodeStored(RevocationList, text);
  }

  /** Stores a verified list if its sequence is higher than the held one (crl_stale / crl_conflict otherwise). */
  putRevocationList(list: Signed<RevocationListBody>, now: number): 'new' | 'updated' | 'unchanged' {
    const outcome = listAgainstHeld(list, this.revocationList(list.body.agency));
    if (outcome === 'unchanged') return outcome;
    this.conn
      .prepare('INSERT INTO revocation_lists (agency_id, sequence, list, imported_at) VALUES (?, ?, ?, ?) ON CONFLICT (agency_id) DO UPDATE SET sequence = excluded.sequence, list = excluded.list, imported_at = excluded.imported_at')
      .run([list.body.agency, list.body.sequence, encodeSigned(list), toTimestamp(now)]);
    return outcome;
  }

  /** isRevoked over every list held. */
  revocationCheck(): RevocationCheck {
    const lists = this.conn.prepare('SELECT list FROM revocation_lists', { pluck: true }).all().map((t) => decodeStored(RevocationList, t));
    return revocationCheck(lists);
  }

  /** Whether the agency's serial is on the revocation list held for it. */
  isRevoked(agency: string, serial: number): boolean {
    return this.revocationList(agency)?.body.serials.includes(serial) ?? false;
  }
}

function decodeStored<B>(spec: Parameters<typeof decodeSigned<B>>[0], text: unknown): Signed<B> {
  if (typeof text !== 'string') throw new EntenteError('database_corrupt', `a stored ${spec.type} is damaged`);
  try {
    return decodeSigned(spec, new TextEncoder().encode(text));
  } catch (err) {
    throw new EntenteError('database_corrupt', `a stored ${spec.type} is damaged`, { cause: err });
  }
}

function pinnedFrom(text: unknown): PinnedAgency {
  const card = decodeStored(AgencyCard, text);
  return { id: card.body.id, rootKey: decodeField(card.body.rootKey), card };
}
