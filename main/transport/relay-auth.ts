import { utf8 } from '../../shared/labels/canonical-json';

/**
 * What an officer signs to log in to a relay (docs/RELAY.md §3):
 *     UTF-8("entente/v1/relay-auth") || 0x00 || nonce (32 bytes) || UTF-8(relay id)
 * The context string keeps this signature from ever verifying as any signed object or envelope (those
 * use other contexts); the fresh nonce makes it good for one connection only; the relay id makes a
 * challenge forwarded from another relay useless there.
 */
export const RELAY_AUTH_CONTEXT = 'entente/v1/relay-auth';
export const RELAY_NONCE_BYTES = 32;

export function relayAuthMessage(nonce: Uint8Array, relayId: string): Uint8Array {
  if (nonce.length !== RELAY_NONCE_BYTES) throw new Error(`relay challenge nonce must be ${RELAY_NONCE_BYTES} bytes`);
  const context = utf8(RELAY_AUTH_CONTEXT);
  const id = utf8(relayId);
  const out = new Uint8Array(context.length + 1 + nonce.length + id.length);
  out.set(context, 0);
  out.set(nonce, context.length + 1);
  out.set(id, context.length + 1 + nonce.length);
  return out;
}
