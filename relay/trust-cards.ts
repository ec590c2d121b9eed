import { readFileSync } from 'node:fs';
import { EntenteError } from '../shared/errors';
import { decodeField } from '../main/trust/base64url';
import { AgencyCard, type AgencyCardBody } from '../main/trust/objects';
import { decodeSigned, type Signed } from '../main/trust/signed';
import { cardAgainstPin, verifyCardSelfSigned, type PinnedAgency } from '../main/trust/verify';

/**
 * The relay's trust list: the agency cards it is started with (`--trust CARD.json…`). Only officers of
 * these agencies may connect, and each agency is pinned by the root key in its card: a credential, or
 * a revocation list, counts only if that key signed it.
 */

/** Reads and checks card files (decoded, self-signed); for `entente relay --trust`. */
export function loadTrustCards(paths: readonly string[]): Signed<AgencyCardBody>[] {
  return paths.map((path) => {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      throw new EntenteError('file_unreadable', `the agency card ${path} could not be read`, { cause: err });
    }
    const card = decodeSigned(AgencyCard, bytes);
    verifyCardSelfSigned(card);
    return card;
  });
}

/**
 * Pins each card by agency id. Two cards for one agency are fine if they carry the same root key (the
 * newer is kept); two different keys for one agency are refused, as a profile refuses them.
 */
export function pinTrustCards(cards: readonly Signed<AgencyCardBody>[]): Map<string, PinnedAgency> {
  if (cards.length === 0) throw new EntenteError('invalid_input', 'a relay needs at least one agency card in its trust list');
  const pinned = new Map<string, PinnedAgency>();
  for (const card of cards) {
    const held = pinned.get(card.body.id);
    const outcome = cardAgainstPin(card, held);
    if (outcome !== 'unchanged') pinned.set(card.body.id, { id: card.body.id, rootKey: decodeField(card.body.rootKey), card });
  }
  return pinned;
}
