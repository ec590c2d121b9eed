import { EntenteError } from '../../shared/errors';
import { currentSignedPrekey, verifySignedPrekey } from '../identity/prekeys';
import { timestampMs } from '../trust/fields';
import { SignedPrekey, type SignedPrekeyBody } from '../trust/objects';
import { decodeSigned, encodeSigned, type Signed } from '../trust/signed';
import type { MessagingContext } from './context';

/**
 * Other officers' signed prekeys enter a profile only through here: from a file, from another
 * profile in tests, later from the relay directory. Each is verified against a credential held for
 * that officer (signed by its identity key, same agency and officer, not expired) before it is stored.
 */
export function importPeerPrekey(ctx: MessagingContext, bytes: Uint8Array): { prekey: Signed<SignedPrekeyBody>; outcome: 'new' | 'unchanged' } {
  const prekey = decodeSigned(SignedPrekey, bytes);
  const p = prekey.body;
  const own = ctx.trust.credentials({ own: true }).some((c) => c.body.identityKey === p.identityKey);
  if (own) throw new EntenteError('prekey_mismatch', 'this is one of this profile\'s own prekeys');
  const held = ctx.trust.credentials({ own: false, agency: p.agency, officerId: p.officerId });
  if (held.length === 0) throw new EntenteError('peer_unknown', `there is no credential of ${p.officerId} (${p.agency}) in this profile`);
  const now = ctx.now();
  const match = held.find((c) => c.body.identityKey === p.identityKey);
  // Verify against the matching credential, or the latest one so the error names the mismatch.
  verifySignedPrekey(prekey, match ?? (held[0] as (typeof held)[number]), now);
  const outcome = ctx.notes.putPeerPrekey({ agency: p.agency, officerId: p.officerId }, p.prekeyId, timestampMs(p.expires), encodeSigned(prekey));
  return { prekey, outcome };
}

/** This profile's current signed prekey in its file form, for others to import; undefined before rotatePrekeys. */
export function ownSignedPrekeyBytes(ctx: MessagingContext): Uint8Array | undefined {
  const current = currentSignedPrekey(ctx.profile);
  return current === undefined ? undefined : new TextEncoder().encode(encodeSigned(current));
}
