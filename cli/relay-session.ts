import { EntenteError } from '../shared/errors';
import type { Profile } from '../main/identity/profile';
import { createMessagingContext, type MessagingContext } from '../main/messaging/context';
import { SyncSession } from '../main/messaging/sync';
import type { PolicyRegistry } from '../main/policy';
import { UsageError } from './command';
import { readMarking, type MarkingAdvice, type MarkingReading } from './marking';
import { requiredString } from './options';
import { passphraseFileOption } from './passphrase';
import { shippedPolicyTexts } from './policies';

/** What the commands that talk to a relay (channel create, send, sync) share. */

export const relayCommandOptions = { profile: { type: 'string' }, relay: { type: 'string' }, json: { type: 'boolean' }, ...passphraseFileOption } as const;

/** --relay: a ws:// or wss:// URL (a usage error otherwise, before the profile is opened). */
export function relayUrl(values: Record<string, unknown>): string {
  const url = requiredString(values, 'relay');
  const protocol = URL.canParse(url) ? new URL(url).protocol : '';
  if (protocol !== 'ws:' && protocol !== 'wss:') throw new UsageError('--relay must be a ws:// or wss:// URL, e.g. ws://127.0.0.1:7443');
  return url;
}

export function messagingContext(profile: Profile): MessagingContext {
  return createMessagingContext(profile, { fallbackSpifs: shippedPolicyTexts() });
}

/** The connection failing, as opposed to the relay or the profile refusing something. */
const OFFLINE = new Set(['relay_unreachable', 'transport_timeout', 'relay_unavailable']);
export const isOffline = (err: unknown): err is EntenteError => err instanceof EntenteError && OFFLINE.has(err.code);

export interface RelaySession {
  session: SyncSession;
  /** Null when connected; otherwise why not (the command then works from what the profile holds). */
  offline: EntenteError | null;
}

/**
 * Connects, publishes this officer's credential and prekey, and reads the directory. An unreachable
 * relay is not an error here: the caller decides (send queues; sync fails). A refused login is.
 */
export async function openRelaySession(ctx: MessagingContext, url: string): Promise<RelaySession> {
  const session = new SyncSession(ctx, { url, fallbackSpifs: shippedPolicyTexts() });
  try {
    await session.connect({ timeoutMs: 10_000, attempts: 3 });
    await session.publishOwn();
    await session.pullDirectory();
    return { session, offline: null };
  } catch (err) {
    if (isOffline(err)) return { session, offline: err };
    await session.close();
    throw err;
  }
}

/** Pushes the outbox; what the relay does not confirm within `ms` stays queued. */
export async function flushWithin(session: SyncSession, ms = 20_000): Promise<Set<string>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    const report = await Promise.race([session.flush(), late]);
    return new Set(report?.stored ?? []);
  } finally {
    clearTimeout(timer);
  }
}

/** The officer does not choose the profile's policies per command, so an ambiguity is resolved in the text. */
const PROFILE_ADVICE: MarkingAdvice = { ambiguous: 'write it as one of them marks it', noPolicy: 'this profile holds no policy' };

/** Which of the profile's policies a marking belongs to (readMarking). */
export const labelFromMarking = (registry: PolicyRegistry, text: string, lang: string): MarkingReading => readMarking(registry, text, lang, PROFILE_ADVICE);

export const officerText = (o: { agency: string; officerId: string }): string => `${o.agency}/${o.officerId}`;

/** "officer (codes)" lines for withheld recipients. */
export function withheldText(withheld: readonly { officer: { agency: string; officerId: string }; reasons: readonly { code: string }[] }[]): string[] {
  return withheld.map((w) => `${officerText(w.officer)} (${[...new Set(w.reasons.map((r) => r.code))].join(', ')})`);
}
