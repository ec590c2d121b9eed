import type Database from '@signalapp/sqlcipher';
import { EntenteError } from '../shared/errors';
import type { DirectoryKind } from '../shared/wire/relay-frames';
import { verifySignedPrekey } from '../main/identity/prekeys';
import { timestampMs } from '../main/trust/fields';
import { RevocationList, SignedPrekey, type RevocationListBody } from '../main/trust/objects';
import { listAgainstHeld, verifyRevocationList } from '../main/trust/revocation';
import { decodeSigned, type Signed } from '../main/trust/signed';
import type { PinnedAgency } from '../main/trust/verify';
import { verifyRelayCredential, type AuthenticatedOfficer } from './auth';

/**
 * The directory (docs/RELAY.md §4): credentials, signed prekeys and revocation lists, stored as their
 * exact signed files. Only the owner publishes its own credential and prekeys (agency, officer id and
 * identity key must be those it logged in with, and the signatures must verify); a revocation list
 * counts because its agency's pinned root key signed it, whoever uploads it, and only a higher
 * sequence replaces the one held. Clients must still verify what they read: the relay is a
 * convenience for distribution, not a source of trust.
 */

export type PublishOutcome = 'new' | 'unchanged' | 'updated';

export interface PreparedPublish {
  /** Runs inside the commit queue. */
  write: () => PublishOutcome;
  /** After the commit: update in-memory state. */
  afterCommit?: (outcome: PublishOutcome) => void;
}

export interface DirectoryQuery {
  agency?: string;
  officerId?: string;
  kinds?: readonly DirectoryKind[];
}

export interface DirectoryResult {
  credentials: string[];
  prekeys: string[];
  revocationLists: string[];
  truncated: boolean;
}

/** Prekeys kept per officer; older ones are pruned when a new one is published. */
const PREKEYS_KEPT = 8;

const refused = (err: unknown): EntenteError =>
  new EntenteError('relay_directory_refused', err instanceof Error ? err.message : 'the directory entry was refused', { cause: err });

function orRefuse<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw refused(err);
  }
}

export class Directory {
  readonly #revoked = new Map<string, { sequence: number; serials: Set<number> }>();

  constructor(
    private readonly db: Database,
    private readonly agencies: ReadonlyMap<string, PinnedAgency>,
  ) {
    for (const row of db.prepare('SELECT object FROM revocation_lists').all()) {
      this.#remember(decodeSigned(RevocationList, new TextEncoder().encode(String(row.object))));
    }
  }

  isRevoked = (agency: string, serial: number): boolean => this.#revoked.get(agency)?.serials.has(serial) ?? false;

  #remember(list: Signed<RevocationListBody>): void {
    const held = this.#revoked.get(list.body.agency);
    if (held === undefined || held.sequence < list.body.sequence) this.#revoked.set(list.body.agency, { sequence: list.body.sequence, serials: new Set(list.body.serials) });
  }

  /** Checks a publish (signatures, ownership) before it is queued; throws relay_directory_refused. */
  prepare(kind: DirectoryKind, text: string, owner: AuthenticatedOfficer, now: number): PreparedPublish {
    if (kind === 'credential') return this.#prepareCredential(text, owner, now);
    if (kind === 'prekey') return this.#preparePrekey(text, owner, now);
    return this.#prepareRevocationList(text);
  }

  #prepareCredential(text: string, owner: AuthenticatedOfficer, now: number): PreparedPublish {
    const credential = orRefuse(() => verifyRelayCredential(text, { agencies: this.agencies, isRevoked: this.isRevoked }, now));
    const c = credential.body;
    if (c.agency !== owner.agency || c.officerId !== owner.officerId || c.identityKey !== owner.identityKey) {
      throw new EntenteError('relay_directory_refused', 'an officer may publish only its own credential (same agency, officer id and identity key as the one it logged in with)');
    }
    return {
      write: () => {
        const held = this.db.prepare('SELECT object FROM credentials WHERE agency = ? AND serial = ?').get([c.agency, c.serial]);
        if (held !== undefined) {
          if (held.object === text) return 'unchanged';
          throw new EntenteError('relay_directory_refused', `another credential with serial ${c.serial} of ${c.agency} is already published`);
        }
        this.db
          .prepare('INSERT INTO credentials (agency, serial, officer_id, identity_key, not_before, not_after, object) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run([c.agency, c.serial, c.officerId, c.identityKey, timestampMs(c.notBefore), timestampMs(c.notAfter), text]);
        return 'new';
      },
    };
  }

  #preparePrekey(text: string, owner: AuthenticatedOfficer, now: number): PreparedPublish {
    const prekey = orRefuse(() => verifySignedPrekey(decodeSigned(SignedPrekey, new TextEncoder().encode(text)), owner.credential, now));
    const p = prekey.body;
    return {
      write: () => {
        const held = this.db.prepare('SELECT object FROM prekeys WHERE agency = ? AND officer_id = ? AND prekey_id = ?').get([p.agency, p.officerId, p.prekeyId]);
        if (held !== undefined) {
          if (held.object === text) return 'unchanged';
          throw new EntenteError('relay_directory_refused', `another prekey with id ${p.prekeyId} of ${p.officerId} is already published`);
        }
        this.db
          .prepare('INSERT INTO prekeys (agency, officer_id, prekey_id, identity_key, created, expires, object) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run([p.agency, p.officerId, p.prekeyId, p.identityKey, timestampMs(p.created), timestampMs(p.expires), text]);
        this.db
          .prepare('DELETE FROM prekeys WHERE agency = ? AND officer_id = ? AND prekey_id NOT IN (SELECT prekey_id FROM prekeys WHERE agency = ? AND officer_id = ? ORDER BY created DESC, prekey_id DESC LIMIT ?)')
          .run([p.agency, p.officerId, p.agency, p.officerId, PREKEYS_KEPT]);
        return 'new';
      },
    };
  }

  #prepareRevocationList(text: string): PreparedPublish {
    const list = orRefuse(() => {
      const decoded = decodeSigned(RevocationList, new TextEncoder().encode(text));
      return verifyRevocationList(decoded, this.agencies.get(decoded.body.agency));
    });
    return {
      write: () => {
        const row = this.db.prepare('SELECT object FROM revocation_lists WHERE agency = ?').get([list.body.agency]);
        const held = row === undefined ? undefined : decodeSigned(RevocationList, new TextEncoder().encode(String(row.object)));
        const outcome = orRefuse(() => listAgainstHeld(list, held));
        if (outcome !== 'unchanged') {
          this.db
            .prepare('INSERT INTO revocation_lists (agency, sequence, object) VALUES (?, ?, ?) ON CONFLICT(agency) DO UPDATE SET sequence = excluded.sequence, object = excluded.object')
            .run([list.body.agency, list.body.sequence, text]);
        }
        return outcome;
      },
      afterCommit: (outcome) => {
        if (outcome !== 'unchanged') this.#remember(list);
      },
    };
  }

  /**
   * Credentials in force and not revoked; for each officer the newest unexpired prekey made by the
   * identity key of one of those credentials; revocation lists. Bounded to `maxBytes` of objects.
   */
  query(q: DirectoryQuery, now: number, maxBytes: number): DirectoryResult {
    const kinds = new Set(q.kinds ?? ['credential', 'prekey', 'revocation-list']);
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.agency !== undefined) {
      where.push('agency = ?');
      params.push(q.agency);
    }
    if (q.officerId !== undefined) {
      where.push('officer_id = ?');
      params.push(q.officerId);
    }
    const filter = (extra: string) => `WHERE ${[...where, extra].join(' AND ')}`;
    const served = this.db
      .prepare(`SELECT agency, serial, officer_id, identity_key, object FROM credentials ${filter('not_before <= ? AND not_after > ?')} ORDER BY agency, officer_id, serial DESC`)
      .all([...params, now, now])
      .filter((r) => !this.isRevoked(String(r.agency), Number(r.serial)));
    const keys = new Set(served.map((r) => `${String(r.agency)}/${String(r.officer_id)}/${String(r.identity_key)}`));

    const result: DirectoryResult = { credentials: [], prekeys: [], revocationLists: [], truncated: false };
    let budget = maxBytes;
    const add = (list: string[], text: string): void => {
      if (text.length > budget) {
        result.truncated = true;
        return;
      }
      budget -= text.length;
      list.push(text);
    };
    if (kinds.has('credential')) for (const r of served) add(result.credentials, String(r.object));
    if (kinds.has('prekey')) {
      const seen = new Set<string>();
      const rows = this.db.prepare(`SELECT agency, officer_id, identity_key, object FROM prekeys ${filter('expires > ?')} ORDER BY agency, officer_id, created DESC, prekey_id DESC`).all([...params, now]);
      for (const r of rows) {
        const officer = `${String(r.agency)}/${String(r.officer_id)}`;
        if (seen.has(officer) || !keys.has(`${officer}/${String(r.identity_key)}`)) continue;
        seen.add(officer);
        add(result.prekeys, String(r.object));
      }
    }
    if (kinds.has('revocation-list')) {
      const rows = q.agency === undefined ? this.db.prepare('SELECT object FROM revocation_lists ORDER BY agency').all() : this.db.prepare('SELECT object FROM revocation_lists WHERE agency = ?').all([q.agency]);
      for (const r of rows) add(result.revocationLists, String(r.object));
    }
    return result;
  }

  /** Forgets expired credentials and prekeys (they are never served anyway). */
  sweep(now: number): { credentials: number; prekeys: number } {
    const credentials = this.db.prepare('DELETE FROM credentials WHERE not_after <= ?').run([now]).changes;
    const prekeys = this.db.prepare('DELETE FROM prekeys WHERE expires <= ?').run([now]).changes;
    return { credentials, prekeys };
  }
}
