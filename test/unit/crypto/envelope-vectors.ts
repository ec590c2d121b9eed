import { createCipheriv, createPrivateKey, createPublicKey, diffieHellman, sign, type KeyObject } from 'node:crypto';
import { blake2b } from '../../../main/crypto/sodium';
import { canonicalJson } from '../../../shared/labels/canonical-json';
import type { SealInput } from '../../../main/crypto/envelope';

/**
 * The sealed-envelope test vectors of docs/PROTOCOL.md §7.6, computed a second way: the framing, the
 * header, the transcript and the padding by hand from the document's description; X25519, Ed25519 and
 * ChaCha20-Poly1305 by Node's OpenSSL (XChaCha20 from its HChaCha20 step, written here); only BLAKE2b
 * comes from libsodium. The test checks these values, the document and sealEnvelope all agree.
 */

const fill = (byte: number, n: number) => new Uint8Array(n).fill(byte);
const utf8 = (s: string) => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

const x25519Secret = (secret: Uint8Array): KeyObject =>
  createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), secret]), format: 'der', type: 'pkcs8' });
const x25519Public = (pub: Uint8Array): KeyObject =>
  createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), pub]), format: 'der', type: 'spki' });
const rawPublic = (key: KeyObject): Uint8Array => Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x as string, 'base64url');
const ed25519Secret = (seed: Uint8Array): KeyObject =>
  createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });

/** A double round: the four column quarter-rounds, then the four diagonal ones. */
const ROUND_INDICES = [[0, 4, 8, 12], [1, 5, 9, 13], [2, 6, 10, 14], [3, 7, 11, 15], [0, 5, 10, 15], [1, 6, 11, 12], [2, 7, 8, 13], [3, 4, 9, 14]] as const;

/** HChaCha20 (draft-irtf-cfrg-xchacha §2.2): the subkey XChaCha20 derives from the key and the first 16 nonce bytes. */
function hchacha20(key: Uint8Array, nonce16: Uint8Array): Uint8Array {
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.length);
  const k = view(key);
  const n = view(nonce16);
  const s = new Uint32Array(16);
  s.set([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
  for (let i = 0; i < 8; i++) s[4 + i] = k.getUint32(4 * i, true);
  for (let i = 0; i < 4; i++) s[12 + i] = n.getUint32(4 * i, true);
  const rotl = (v: number, c: number) => ((v << c) | (v >>> (32 - c))) >>> 0;
  const qr = (a: number, b: number, c: number, d: number) => {
    s[a] = ((s[a] as number) + (s[b] as number)) >>> 0;
    s[d] = rotl((s[d] as number) ^ (s[a] as number), 16);
    s[c] = ((s[c] as number) + (s[d] as number)) >>> 0;
    s[b] = rotl((s[b] as number) ^ (s[c] as number), 12);
    s[a] = ((s[a] as number) + (s[b] as number)) >>> 0;
    s[d] = rotl((s[d] as number) ^ (s[a] as number), 8);
    s[c] = ((s[c] as number) + (s[d] as number)) >>> 0;
    s[b] = rotl((s[b] as number) ^ (s[c] as number), 7);
  };
  for (let round = 0; round < 10; round++) {
    for (const [a, b, c, d] of ROUND_INDICES) qr(a, b, c, d);
  }
  const out = new Uint8Array(32);
  const o = view(out);
  [0, 1, 2, 3, 12, 13, 14, 15].forEach((w, i) => o.setUint32(4 * i, s[w] as number, true));
  return out;
}

/** XChaCha20-Poly1305-IETF encryption with an all-zero nonce, by way of OpenSSL's ChaCha20-Poly1305. */
export function xchachaZeroNonce(key: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const subkey = hchacha20(key, new Uint8Array(16));
  const cipher = createCipheriv('chacha20-poly1305', subkey, new Uint8Array(12), { authTagLength: 16 });
  cipher.setAAD(ad, { plaintextLength: plaintext.length });
  return cat(cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
}

export const VECTOR_PLAINTEXT = 'Rendez-vous à 10 h, quai de la Rapée.';
const LABEL = { policyId: '1.3.26.1.3.1', classification: 4, categories: [{ tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive' as const, lacv: 250 }, { tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive' as const, lacv: 826 }] };
const SENDER = { agency: 'fr-dgsi', officerId: 'jdupont', serial: 4_815_162_342 };
/** Each recipient: name, identity agreement secret byte, prekey secret byte, prekey id. In header order. */
const RECIPIENTS = [
  { name: 'jdupont', agency: 'fr-dgsi', officerId: 'jdupont', identity: 0x04, prekey: 0x05, prekeyId: 1 },
  { name: 'jsmith', agency: 'uk-demo', officerId: 'jsmith', identity: 0x07, prekey: 0x08, prekeyId: 3 },
];
/** The `random` of the vectors: note id 0a × 16, content key 0b × 32, ephemeral secret 0c × 32. */
export const vectorRandom = (): ((n: number) => Uint8Array) => {
  const fills = [0x0a, 0x0b, 0x0c];
  let i = 0;
  return (n) => fill(fills[i++] ?? 0xff, n);
};

/** The vectors' SealInput; keys come from the seeds through `keys` (the code under test's key derivation). */
export function vectorSealInput(keys: { signSecret: Uint8Array; dhPublic: (secret: Uint8Array) => Uint8Array }): SealInput {
  return {
    channel: b64u(fill(0x0d, 16)),
    kind: 'note',
    sender: SENDER,
    time: '2026-11-23T10:00:00.000Z',
    seq: 42,
    label: LABEL,
    // Listed in reverse: sealing sorts them.
    recipients: [...RECIPIENTS].reverse().map((r) => ({ agency: r.agency, officerId: r.officerId, prekeyId: r.prekeyId, prekey: keys.dhPublic(fill(r.prekey, 32)), identityDh: keys.dhPublic(fill(r.identity, 32)) })),
    plaintext: utf8(VECTOR_PLAINTEXT),
    signSecret: keys.signSecret,
    random: vectorRandom(),
  };
}

export const VECTOR_KEYS = { senderSeed: fill(0x03, 32), recipients: RECIPIENTS.map((r) => ({ ...r, identitySecret: fill(r.identity, 32), prekeySecret: fill(r.prekey, 32) })) };

/** Every value the document lists, by name, computed independently of main/crypto/envelope*.ts. */
export function computeVectors(): Map<string, string> {
  const out = new Map<string, string>();
  const noteId = fill(0x0a, 16);
  const contentKey = fill(0x0b, 32);
  const e = fill(0x0c, 32);
  const eph = rawPublic(x25519Secret(e));
  const plaintext = utf8(VECTOR_PLAINTEXT);
  const padLength = (Math.floor(plaintext.length / 256) + 1) * 256;
  const padded = cat(plaintext, Uint8Array.of(0x80), new Uint8Array(padLength - plaintext.length - 1));
  const commit = blake2b(cat(utf8('entente/v1/key-commitment'), Uint8Array.of(0), noteId), 32, contentKey);
  out.set('plaintext', hex(plaintext));
  out.set('padded', hex(padded));
  out.set('note-id', hex(noteId));
  out.set('content-key', hex(contentKey));
  out.set('eph-secret', hex(e));
  out.set('eph-public', hex(eph));
  out.set('commit', hex(commit));

  const entries = RECIPIENTS.map((r) => {
    const identity = rawPublic(x25519Secret(fill(r.identity, 32)));
    const prekey = rawPublic(x25519Secret(fill(r.prekey, 32)));
    const dh1 = new Uint8Array(diffieHellman({ privateKey: x25519Secret(e), publicKey: x25519Public(prekey) }));
    const dh2 = new Uint8Array(diffieHellman({ privateKey: x25519Secret(e), publicKey: x25519Public(identity) }));
    const transcript = cat(utf8('entente/v1/wrap'), Uint8Array.of(0), dh1, dh2, eph, prekey, identity, noteId, utf8(`${r.agency}/${r.officerId}`));
    const w = blake2b(transcript, 32);
    const wrapped = xchachaZeroNonce(w, noteId, contentKey);
    for (const [k, v] of Object.entries({ prekey, identity, dh1, dh2, transcript, 'wrap-key': w, wrapped })) out.set(`${r.name}-${k}`, hex(v));
    return { agency: r.agency, officerId: r.officerId, prekeyId: r.prekeyId, wrapped: b64u(wrapped) };
  });

  // The header, written out member by member in canonical order (names sorted), no whitespace.
  const header =
    `{"channel":"${b64u(fill(0x0d, 16))}","commit":"${b64u(commit)}","eph":"${b64u(eph)}","id":"${b64u(noteId)}","kind":"note",` +
    `"label":${canonicalJson(LABEL)},"recipients":[${entries.map((r) => `{"agency":"${r.agency}","officerId":"${r.officerId}","prekeyId":${r.prekeyId},"wrapped":"${r.wrapped}"}`).join(',')}],` +
    `"sender":{"agency":"${SENDER.agency}","officerId":"${SENDER.officerId}","serial":${SENDER.serial}},"seq":42,"suite":"x25519-blake2b-xchacha20poly1305-ed25519","time":"2026-11-23T10:00:00.000Z","v":1}`;
  const headerBytes = utf8(header);
  const ad = cat(utf8('ENTE'), Uint8Array.of(1), u32(headerBytes.length), headerBytes);
  const ciphertext = xchachaZeroNonce(contentKey, ad, padded);
  const signed = cat(ad, u32(ciphertext.length), ciphertext);
  const signature = new Uint8Array(sign(null, cat(utf8('entente/v1/envelope'), Uint8Array.of(0), signed), ed25519Secret(VECTOR_KEYS.senderSeed)));
  out.set('sender-public', hex(rawPublic(ed25519Secret(VECTOR_KEYS.senderSeed))));
  out.set('header', header);
  out.set('ciphertext', hex(ciphertext));
  out.set('signature', hex(signature));
  out.set('envelope', hex(cat(signed, signature)));
  return out;
}
