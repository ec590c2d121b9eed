import { utf8 } from '../../shared/labels/canonical-json';
import { blake2b, constantTimeEqual } from '../crypto/sodium';
import { toBase64url } from './base64url';
import { Credential, type CredentialBody } from './objects';
import { decodeSigned, encodeSigned, type Signed } from './signed';
import { verifyCredential, type CredentialContext, type PinnedAgency } from './verify';

interface Entry {
  credential: Signed<CredentialBody>;
  /** The pinned root key the signature was checked with. */
  rootKey: Uint8Array;
}

export interface BytesContext extends Omit<CredentialContext, 'agency'> {
  agencyOf: (id: string) => PinnedAgency | undefined;
}

/**
 * Remembers credentials already decoded and signature-checked, so the receive pipeline does not
 * re-parse and re-verify the same sender's credential for every note. Keyed by a hash of the exact
 * bytes; a hit counts only if the agency is still pinned with the same root key. What is cheap and
 * can change — validity in time, the clearance against the loaded policies — is re-checked on every
 * call; revocation is the caller's, as for verifyCredential.
 */
export class CredentialVerifier {
  readonly #entries = new Map<string, Entry>();
  readonly #capacity: number;
  hits = 0;
  misses = 0;

  constructor(capacity = 4096) {
    this.#capacity = capacity;
  }

  /** A credential in its file form (as a note or the directory carries it). */
  verifyBytes(bytes: Uint8Array, ctx: BytesContext): Signed<CredentialBody> {
    const key = toBase64url(blake2b(bytes));
    const entry = this.#entries.get(key);
    const hit = entry === undefined ? undefined : this.#reuse(key, entry, ctx.agencyOf(entry.credential.body.agency), ctx);
    if (hit !== undefined) return hit;
    const credential = decodeSigned(Credential, bytes);
    return this.#fresh(key, credential, ctx.agencyOf(credential.body.agency), ctx);
  }

  /** A credential already decoded. */
  verify(credential: Signed<CredentialBody>, ctx: CredentialContext): Signed<CredentialBody> {
    const key = toBase64url(blake2b(utf8(encodeSigned(credential))));
    const entry = this.#entries.get(key);
    const hit = entry === undefined ? undefined : this.#reuse(key, entry, ctx.agency, ctx);
    return hit ?? this.#fresh(key, credential, ctx.agency, ctx);
  }

  clear(): void {
    this.#entries.clear();
  }

  #reuse(key: string, entry: Entry, agency: PinnedAgency | undefined, ctx: Omit<CredentialContext, 'agency'>): Signed<CredentialBody> | undefined {
    if (agency === undefined || !constantTimeEqual(agency.rootKey, entry.rootKey)) return undefined;
    this.hits += 1;
    // Refresh the LRU position: a Map iterates in insertion order.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return verifyCredential(entry.credential, { ...ctx, agency }, { signatureChecked: true });
  }

  #fresh(key: string, credential: Signed<CredentialBody>, agency: PinnedAgency | undefined, ctx: Omit<CredentialContext, 'agency'>): Signed<CredentialBody> {
    this.misses += 1;
    // Verified in full; a signature failure throws before anything is cached.
    verifyCredential(credential, { ...ctx, agency });
    // verifyCredential threw trust_unknown_agency above if agency were undefined.
    this.#entries.set(key, { credential, rootKey: (agency as PinnedAgency).rootKey });
    if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value as string);
    return credential;
  }
}
