import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import { constantTimeEqual, sodiumReady, wipe, type KdfParams, type KeyPair } from '../crypto/sodium';
import { checkPassphrase } from '../identity/passphrase';
import { PolicyRegistry } from '../policy';
import { writeFileAtomic } from '../store/atomic-file';
import { decodeField } from './base64url';
import { agencyFingerprint } from './fingerprint';
import { AgencyCard, type AgencyCardBody } from './objects';
import { emptyLedger, readLedger, writeLedger, type Ledger } from './agency-ledger';
import { createRootKey, openRootKey, parseRootKey, serialiseRootKey } from './root-key-file';
import { createSigned, decodeSigned, encodeSigned, requireValidSignature, type Signed } from './signed';
import { CountryCode } from './countries';
import { AgencyId, DisplayName, toTimestamp } from './fields';

function checkField(schema: z.ZodType, value: unknown, what: string): void {
  const r = schema.safeParse(value);
  if (!r.success) throw new EntenteError('invalid_input', `${what}: ${r.error.issues[0]?.message ?? 'invalid'}`);
}

/**
 * The agency folder, kept by the agency's security officer (docs/TRUST.md §2):
 *   root-key.json      the root key, encrypted under the agency passphrase      (secret, encrypted)
 *   card.json          the self-signed agency card                               (public)
 *   policies/N.xml     the SPIFs the agency issues clearances under              (public)
 *   ledger.json        serials issued and revoked, agreements                    (not secret)
 *   partners/ID.json   partner agencies' cards, pinned on first use              (public)
 * Folders 0700, files 0600: the card is public, but nobody else should be able to replace it.
 */
export interface AgencyPaths {
  dir: string;
  rootKey: string;
  card: string;
  policies: string;
  ledger: string;
  partners: string;
}

export const agencyPaths = (dir: string): AgencyPaths => ({
  dir,
  rootKey: join(dir, 'root-key.json'),
  card: join(dir, 'card.json'),
  policies: join(dir, 'policies'),
  ledger: join(dir, 'ledger.json'),
  partners: join(dir, 'partners'),
});

const isPosix = process.platform !== 'win32';

function makePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (isPosix) chmodSync(path, 0o700);
}

export interface NewAgency {
  id: string;
  name: string;
  country: string;
  /** SPIF XML texts; their policy OIDs become the card's policy list. */
  spifs: string[];
}

/** Creates the agency folder (new or empty) with a fresh root key; returns the card. */
export async function initAgency(dir: string, agency: NewAgency, passphrase: Uint8Array, kdf: KdfParams, now: number = Date.now()): Promise<Signed<AgencyCardBody>> {
  checkPassphrase(passphrase);
  await sodiumReady();
  const paths = agencyPaths(dir);
  checkField(AgencyId, agency.id, 'agency id');
  checkField(DisplayName, agency.name.normalize('NFC'), 'agency name');
  checkField(CountryCode, agency.country, 'country');
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new EntenteError('agency_exists', `${dir} is not empty; an agency folder needs a new or empty folder.`);
  const registry = new PolicyRegistry();
  for (const spif of agency.spifs) registry.loadSpif(spif);
  const policies = registry.list().map((p) => p.id).sort();
  if (policies.length === 0) throw new EntenteError('invalid_input', 'an agency needs at least one policy');

  makePrivateDir(dir);
  const { keys, file } = await createRootKey(agency.id, passphrase, kdf);
  try {
    const card = createSigned(AgencyCard, { id: agency.id, name: agency.name.normalize('NFC'), country: agency.country, rootKey: file.publicKey, policies, created: toTimestamp(now) }, 'root', keys.secretKey);
    makePrivateDir(paths.policies);
    makePrivateDir(paths.partners);
    agency.spifs.forEach((spif, i) => writeFileAtomic(join(paths.policies, `${i + 1}.xml`), spif));
    writeLedger(paths.ledger, emptyLedger());
    writeFileAtomic(paths.rootKey, serialiseRootKey(file));
    // Last: a folder without card.json is an unfinished init, which openAgency reports as such.
    writeFileAtomic(paths.card, encodeSigned(card));
    return card;
  } finally {
    wipe(keys.secretKey);
  }
}

/** An agency folder, opened without its passphrase: everything public is readable. */
export class AgencyFolder {
  readonly paths: AgencyPaths;
  readonly card: Signed<AgencyCardBody>;
  readonly policies: PolicyRegistry;

  private constructor(paths: AgencyPaths, card: Signed<AgencyCardBody>, policies: PolicyRegistry) {
    this.paths = paths;
    this.card = card;
    this.policies = policies;
  }

  static open(dir: string): AgencyFolder {
    const paths = agencyPaths(dir);
    checkFolder(paths);
    const card = decodeSigned(AgencyCard, readFile(paths.card, 'agency_missing'));
    requireValidSignature(AgencyCard, card, 'root', decodeField(card.body.rootKey), 'its own root key');
    const registry = new PolicyRegistry();
    const files = existsSync(paths.policies) ? readdirSync(paths.policies).filter((f) => f.endsWith('.xml')).sort() : [];
    for (const f of files) registry.loadSpif(readFileSync(join(paths.policies, f), 'utf8'));
    for (const id of card.body.policies) registry.require(id);
    return new AgencyFolder(paths, card, registry);
  }

  get id(): string {
    return this.card.body.id;
  }

  get fingerprint(): Uint8Array {
    return agencyFingerprint(this.card.body);
  }

  readLedger(): Ledger {
    return readLedger(this.paths.ledger);
  }

  writeLedger(ledger: Ledger): void {
    writeLedger(this.paths.ledger, ledger);
  }

  /** Runs `fn` with the root key pair and wipes the secret afterwards, whatever happens. */
  async withRootKey<T>(passphrase: Uint8Array, fn: (keys: KeyPair) => T | Promise<T>): Promise<T> {
    checkPassphrase(passphrase);
    await sodiumReady();
    const file = parseRootKey(readFile(this.paths.rootKey, 'agency_missing'));
    if (file.agency !== this.id || !constantTimeEqual(decodeField(file.publicKey), decodeField(this.card.body.rootKey))) {
      throw new EntenteError('agency_key_corrupt', 'root-key.json does not belong to this agency card; restore the folder from a backup.');
    }
    const keys = await openRootKey(file, passphrase);
    try {
      return await fn(keys);
    } finally {
      wipe(keys.secretKey);
    }
  }
}

function readFile(path: string, missing: 'agency_missing'): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new EntenteError(missing, `${path} is missing: this is not a complete agency folder.`);
    throw new EntenteError('file_unreadable', `${path} cannot be read.`, { cause: err });
  }
}

/**
 * Same rule as the profile (docs/TRUST.md): refuse what others could have written, because the card
 * or root key could have been replaced; the files are otherwise public or encrypted.
 */
function checkFolder(paths: AgencyPaths): void {
  let st;
  try {
    st = lstatSync(paths.dir);
  } catch {
    throw new EntenteError('agency_missing', `${paths.dir} is not an agency folder (run \`entente agency init\`).`);
  }
  if (!st.isDirectory()) throw new EntenteError('agency_missing', `${paths.dir} is not a folder.`);
  if (!isPosix) return;
  const uid = process.getuid?.();
  for (const p of [paths.dir, paths.rootKey, paths.card, paths.ledger, paths.policies, paths.partners]) {
    let s;
    try {
      s = lstatSync(p);
    } catch {
      continue; // a missing file is reported by its reader
    }
    if (uid !== undefined && s.uid !== uid) throw new EntenteError('profile_insecure', `${p} belongs to another user (uid ${s.uid}).`);
    if (p !== paths.dir && s.isSymbolicLink()) throw new EntenteError('profile_insecure', `${p} is a symbolic link.`);
    if ((s.mode & 0o022) !== 0) throw new EntenteError('profile_insecure', `${p} can be modified by other users; check it, then run: chmod go-w '${p}'.`);
  }
}
