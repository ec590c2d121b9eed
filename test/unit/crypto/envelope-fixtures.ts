import { assembleEnvelope, encodeHeader, type EnvelopeHeader, type OfficerRef, type ParsedEnvelope } from '../../../main/crypto/envelope-format';
import { openEnvelope, parseEnvelope, sealEnvelope, verifyEnvelopeSignature, type SealInput, type SealRecipient } from '../../../main/crypto/envelope';
import { dhKeyPair, signKeyPair, type KeyPair } from '../../../main/crypto/sodium';
import { toBase64url } from '../../../main/trust/base64url';
import { EntenteError, type ErrorCode } from '../../../shared/errors';
import type { Label } from '../../../shared/labels/model';

/** Test officers, envelopes and helpers to take envelopes apart. Call everything after sodiumReady(). */

export const NATO = '1.3.26.1.3.1';
/** NATO SECRET, Releasable to GBR and FRA (categories deliberately unsorted: sealing normalises). */
export const LABEL: Label = {
  policyId: NATO,
  classification: 4,
  categories: [
    { tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 826 },
    { tagSetId: '1.3.26.1.4.2', tagType: 'enumeratedPermissive', lacv: 250 },
  ],
};
export const CHANNEL = toBase64url(new Uint8Array(16).fill(0x0d));
export const TIME = '2026-11-23T10:00:00.000Z';

export interface Officer extends OfficerRef {
  serial: number;
  sign: KeyPair;
  dh: KeyPair;
  prekeyId: number;
  prekey: KeyPair;
}

export function makeOfficer(agency: string, officerId: string, prekeyId = 1): Officer {
  return { agency, officerId, serial: 1000 + prekeyId, sign: signKeyPair(), dh: dhKeyPair(), prekeyId, prekey: dhKeyPair() };
}

export const sealRecipient = (o: Officer): SealRecipient => ({ agency: o.agency, officerId: o.officerId, prekeyId: o.prekeyId, prekey: o.prekey.publicKey, identityDh: o.dh.publicKey });

export function sealInput(sender: Officer, recipients: readonly Officer[], plaintext: Uint8Array, over: Partial<SealInput> = {}): SealInput {
  return {
    channel: CHANNEL,
    kind: 'note',
    sender: { agency: sender.agency, officerId: sender.officerId, serial: sender.serial },
    time: TIME,
    seq: 7,
    label: LABEL,
    recipients: recipients.map(sealRecipient),
    plaintext,
    signSecret: sender.sign.secretKey,
    ...over,
  };
}

export function openKeysOf(o: Officer) {
  return {
    agency: o.agency,
    officerId: o.officerId,
    identityDhSecret: o.dh.secretKey,
    prekeySecret: (id: number) => {
      if (id !== o.prekeyId) throw new EntenteError('prekey_deleted', `prekey ${id} is gone`);
      return o.prekey.secretKey;
    },
  };
}

/** Parse, verify, open: what a receiver does with the bytes. */
export function receive(bytes: Uint8Array, sender: Officer, me: Officer): Uint8Array {
  const env = parseEnvelope(bytes);
  verifyEnvelopeSignature(env, sender.sign.publicKey);
  return openEnvelope(env, openKeysOf(me));
}

/** The code a function throws, failing the test if it returns or throws anything but an EntenteError. */
export function codeOf(fn: () => unknown): ErrorCode {
  try {
    fn();
  } catch (e) {
    if (e instanceof EntenteError) return e.code;
    throw e;
  }
  throw new Error('expected an EntenteError, but nothing was thrown');
}

export interface Layout {
  h: number;
  c: number;
  headerAt: number;
  bodyAt: number;
  sigAt: number;
}

export function layoutOf(bytes: Uint8Array): Layout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const h = view.getUint32(5);
  const c = view.getUint32(9 + h);
  return { h, c, headerAt: 9, bodyAt: 13 + h, sigAt: 13 + h + c };
}

/** Re-frames an envelope with a changed header and/or body, signed again by `signSecret`. */
export function reframe(env: ParsedEnvelope, signSecret: Uint8Array, change: { header?: EnvelopeHeader; headerJson?: Uint8Array; body?: (ad: Uint8Array) => Uint8Array }): Uint8Array {
  const json = change.headerJson ?? encodeHeader(change.header ?? env.header);
  return assembleEnvelope(json, change.body ?? (() => env.ciphertext), signSecret);
}

/** Frames arbitrary header bytes and body without the checks assembleEnvelope makes (for the parser's tests). */
export function rawFrame(headerJson: Uint8Array, body: Uint8Array, signature = new Uint8Array(64), version = 1): Uint8Array {
  const out = new Uint8Array(13 + headerJson.length + body.length + signature.length);
  const view = new DataView(out.buffer);
  out.set([0x45, 0x4e, 0x54, 0x45, version], 0);
  view.setUint32(5, headerJson.length);
  out.set(headerJson, 9);
  view.setUint32(9 + headerJson.length, body.length);
  out.set(body, 13 + headerJson.length);
  out.set(signature, 13 + headerJson.length + body.length);
  return out;
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A sealed envelope to a few officers, with everything needed to take it apart again. */
export function sampleEnvelope(plaintext = enc('Rendez-vous à 10 h, quai de la Rapée.')) {
  const sender = makeOfficer('fr-dgsi', 'jdupont');
  const others = [makeOfficer('uk-demo', 'jsmith', 3), makeOfficer('fr-dgsi', 'amartin', 2), makeOfficer('de-bfv', 'kmueller', 5)];
  const recipients = [sender, ...others];
  const sealed = sealEnvelope(sealInput(sender, recipients, plaintext));
  return { sender, recipients, others, plaintext, sealed };
}
