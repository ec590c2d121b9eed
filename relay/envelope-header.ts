import { z } from 'zod';
import { EntenteError } from '../shared/errors';
import { WireAgencyId, WireNoteId, WireOfficerId, officerKey, type OfficerRef } from '../shared/wire/relay-frames';

/**
 * The little the relay reads of a sealed envelope (specs/ENVELOPE.md's binary layout): the clear
 * header's note id, sender and recipients, to check that a send is what it claims to be. Everything
 * else (label, wrapped keys, ciphertext, signature) stays opaque bytes to the relay; recipients parse
 * and verify the whole envelope. Independent of main/crypto on purpose: the relay must not need keys
 * or the full envelope schema to route.
 */

const MAGIC = [0x45, 0x4e, 0x54, 0x45]; // "ENTE"
const VERSION = 1;
const MAX_HEADER_BYTES = 64 * 1024;
const MIN_CIPHERTEXT_BYTES = 256 + 16;
const SIGNATURE_BYTES = 64;

const RoutingHeader = z.object({
  id: WireNoteId,
  sender: z.object({ agency: WireAgencyId, officerId: WireOfficerId, serial: z.number().int().positive() }),
  recipients: z.array(z.object({ agency: WireAgencyId, officerId: WireOfficerId })).min(1).max(256),
});
export type EnvelopeRouting = z.infer<typeof RoutingHeader>;

const malformed = (what: string): EntenteError => new EntenteError('relay_frame_invalid', `the envelope is malformed: ${what}`);

export function readEnvelopeRouting(bytes: Uint8Array): EnvelopeRouting {
  if (bytes.length < 9 || MAGIC.some((b, i) => bytes[i] !== b)) throw malformed('no Entente envelope magic');
  if (bytes[4] !== VERSION) throw malformed(`format version ${String(bytes[4])} is not 1`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = view.getUint32(5);
  if (h < 1 || h > MAX_HEADER_BYTES || 9 + h + 4 > bytes.length) throw malformed('bad header length');
  const c = view.getUint32(9 + h);
  if (c < MIN_CIPHERTEXT_BYTES || 13 + h + c + SIGNATURE_BYTES !== bytes.length) throw malformed('lengths do not add up');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(9, 9 + h)));
  } catch {
    throw malformed('the header is not JSON');
  }
  const parsed = RoutingHeader.safeParse(header);
  if (!parsed.success) throw malformed(`header ${parsed.error.issues[0]?.path.join('.') || ''} is invalid`.replace(/ +/g, ' '));
  return parsed.data;
}

/**
 * The binding check (docs/RELAY.md §4): the envelope is from the authenticated officer (with the
 * credential serial it logged in with), has the id of the send frame, and names exactly the
 * recipients the frame routes it to. Otherwise an officer could make the relay deliver an envelope
 * under someone else's name or to people it is not addressed to.
 */
export function checkBinding(routing: EnvelopeRouting, frame: { id: string; to: readonly OfficerRef[] }, sender: OfficerRef & { serial: number }): void {
  if (routing.id !== frame.id) throw new EntenteError('relay_frame_invalid', 'the envelope carries another note id than the send frame');
  const s = routing.sender;
  if (s.agency !== sender.agency || s.officerId !== sender.officerId || s.serial !== sender.serial) {
    throw new EntenteError('relay_frame_invalid', 'the envelope names another sender (or credential) than the officer logged in');
  }
  const header = new Set(routing.recipients.map(officerKey));
  const to = new Set(frame.to.map(officerKey));
  if (header.size !== routing.recipients.length || header.size !== to.size || [...to].some((k) => !header.has(k))) {
    throw new EntenteError('relay_frame_invalid', 'the recipients of the send frame differ from those in the envelope');
  }
}
