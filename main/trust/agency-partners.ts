import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-file';
import type { AgencyFolder } from './agency-folder';
import { decodeField } from './base64url';
import { AgencyCard, type AgencyCardBody } from './objects';
import { decodeSigned, encodeSigned, type Signed } from './signed';
import { cardAgainstPin, type PinnedAgency } from './verify';

/**
 * Partner cards pinned in the agency folder (partners/ID.json), on first use, by `agency agree` and
 * `agency countersign`: the same rule as in profiles, a pinned id never changes key.
 */
export function pinnedPartner(agency: AgencyFolder, id: string): PinnedAgency | undefined {
  const path = join(agency.paths.partners, `${id}.json`);
  if (!existsSync(path)) return undefined;
  const card = decodeSigned(AgencyCard, readFileSync(path));
  return { id: card.body.id, rootKey: decodeField(card.body.rootKey), card };
}

/** Pins or refreshes a partner's card (trust_card_key_changed if the key differs from the pin). */
export function pinPartner(agency: AgencyFolder, card: Signed<AgencyCardBody>): { partner: PinnedAgency; outcome: 'new' | 'unchanged' | 'updated' } {
  const outcome = cardAgainstPin(card, pinnedPartner(agency, card.body.id));
  if (outcome !== 'unchanged') writeFileAtomic(join(agency.paths.partners, `${card.body.id}.json`), encodeSigned(card));
  return { partner: { id: card.body.id, rootKey: decodeField(card.body.rootKey), card }, outcome };
}
