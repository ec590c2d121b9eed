import { z } from 'zod';
import { base64urlBytes, fromBase64url, toBase64url } from '../trust/base64url';
import { AgencyId, Ed25519PublicKey, OfficerId, Serial, Signature } from '../trust/fields';
import { fingerprint, hexGroups } from '../trust/fingerprint';
import type { CredentialBody } from '../trust/objects';
import { defineSignedType, type Signed } from '../trust/signed';
import { CheckpointBody } from './checkpoint';
import { EntryTime } from './entry';

/**
 * The export format (docs/AUDIT.md §7). Two files:
 *
 * FILE — JSON Lines, one entry per line, in order from entry 1:
 *     {"entry":<the entry's canonical JSON, exactly the bytes hashed>,"hash":"<b64url>","prev":"<b64url>"}\n
 *   which is itself canonical JSON (keys sorted), so each line has one byte form and the hashed bytes
 *   are read out of it by position, without re-encoding.
 *
 * FILE.manifest.json — an Entente signed object of type `audit-manifest`, signed by the officer's
 *   identity key: the count, first and last entry, the last hash, every checkpoint up to the last entry,
 *   and the fingerprint of the officer's credential. The last checkpoint is the one made for the export.
 */
export const MANIFEST_SUFFIX = '.manifest.json';
export const manifestPathFor = (exportPath: string): string => `${exportPath}${MANIFEST_SUFFIX}`;

const SignedCheckpointObject = z.strictObject({
  v: z.literal(1),
  type: z.literal('audit-checkpoint'),
  body: CheckpointBody,
  sigs: z.strictObject({ identity: Signature }),
});

export const ManifestBody = z.strictObject({
  format: z.literal('entente-audit-export'),
  officer: OfficerId,
  identityKey: Ed25519PublicKey,
  credential: z.strictObject({ agency: AgencyId, serial: Serial, fingerprint: z.string().regex(/^[0-9a-f]{4}( [0-9a-f]{4}){15}$/) }).optional(),
  exported: EntryTime,
  count: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  firstSeq: z.literal(1),
  lastSeq: Serial,
  lastHash: base64urlBytes(32),
  checkpoints: z.array(SignedCheckpointObject).max(1_000_000),
});
export type ManifestBody = z.infer<typeof ManifestBody>;
export const AuditManifest = defineSignedType({ type: 'audit-manifest', body: ManifestBody, slots: { identity: 'ed25519' }, maxBytes: 64 * 1024 * 1024 });
export type SignedManifest = Signed<ManifestBody>;

/** What the manifest says about the officer's credential: which one, and its fingerprint to compare. */
export const credentialFingerprint = (body: CredentialBody): string => hexGroups(fingerprint('credential', body));

// ---- lines --------------------------------------------------------------------------------------

const enc = new TextEncoder();
const HEAD = enc.encode('{"entry":');
const HASH_AT = enc.encode(',"hash":"');
const PREV_AT = enc.encode('","prev":"');
const END = enc.encode('"}');
const B64 = 43; // base64url of 32 bytes
/** Bytes after the entry: ,"hash":"<43>","prev":"<43>"} */
const TAIL = HASH_AT.length + B64 + PREV_AT.length + B64 + END.length;

export function exportLine(entryText: string, prev: Uint8Array, hash: Uint8Array): string {
  return `{"entry":${entryText},"hash":"${toBase64url(hash)}","prev":"${toBase64url(prev)}"}\n`;
}

export interface ParsedLine {
  entry: Uint8Array;
  prev: Uint8Array;
  hash: Uint8Array;
}

const startsAt = (line: Uint8Array, at: number, part: Uint8Array): boolean => {
  for (let i = 0; i < part.length; i++) if (line[at + i] !== part[i]) return false;
  return true;
};
const latin = new TextDecoder('latin1');

/** A line (without its line feed) split into the entry's bytes and its hashes; null when it is not one. */
export function parseLine(line: Uint8Array): ParsedLine | null {
  const entryEnd = line.length - TAIL;
  if (entryEnd <= HEAD.length || !startsAt(line, 0, HEAD)) return null;
  const prevAt = entryEnd + HASH_AT.length + B64;
  if (!startsAt(line, entryEnd, HASH_AT) || !startsAt(line, prevAt, PREV_AT) || !startsAt(line, line.length - END.length, END)) return null;
  const hash = fromBase64url(latin.decode(line.subarray(entryEnd + HASH_AT.length, prevAt)));
  const prev = fromBase64url(latin.decode(line.subarray(prevAt + PREV_AT.length, line.length - END.length)));
  if (hash === null || prev === null || hash.length !== 32 || prev.length !== 32) return null;
  return { entry: line.subarray(HEAD.length, entryEnd), prev, hash };
}
