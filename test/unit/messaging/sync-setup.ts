import { join } from 'node:path';
import type { MessagingContext } from '../../../main/messaging/context';
import { SyncSession, type SyncOptions, type SyncReport } from '../../../main/messaging/sync';
import { syncOnce, type SyncOnceOptions } from '../../../main/messaging/sync-once';
import { silentLogger, startRelay, type RelayOptions, type RunningRelay } from '../../../relay/server';
import type { Alliance } from '../../helpers/alliance';
import { tempDir } from '../../helpers/tmp';

/** A real relay on 127.0.0.1 serving an alliance's agencies, on the alliance's clock. */
export interface AllianceRelay {
  relay: RunningRelay;
  url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function relayFor(a: Alliance, extra: Partial<RelayOptions> = {}): Promise<AllianceRelay> {
  const dir = tempDir('entente-sync-relay-');
  const cards = [...a.members.values()].find((m) => m.ctx !== undefined)?.ctx?.trust.agencies().map((p) => p.card) ?? [];
  const options = (port: number): RelayOptions => ({ host: '127.0.0.1', port, dataDir: join(dir.path, 'data'), trustCards: cards, logger: silentLogger, now: () => a.clock.t, ...extra });
  const r: AllianceRelay = {
    relay: await startRelay(options(0)),
    url: '',
    async restart() {
      const port = r.relay.port;
      await r.relay.close();
      r.relay = await startRelay(options(port));
    },
    async stop() {
      await r.relay.close();
      dir.remove();
    },
  };
  r.url = r.relay.wsUrl;
  return r;
}

/** Quick reconnection in tests. */
export const FAST = { clientOptions: { backoff: { baseMs: 20, maxMs: 200 } } } as const;

export function once(ctx: MessagingContext, url: string, extra: Partial<SyncOnceOptions> = {}): Promise<SyncReport> {
  return syncOnce(ctx, { url, ...FAST, stepTimeoutMs: 20_000, ...extra });
}

export function session(ctx: MessagingContext, url: string, extra: Partial<SyncOptions> = {}): SyncSession {
  return new SyncSession(ctx, { url, ...FAST, ...extra });
}

/** The notes (not control notes) of a profile in the order they were stored. */
export function notesOf(ctx: MessagingContext): { noteId: string; body: string; direction: string }[] {
  return ctx.profile.db.connection
    .prepare("SELECT note_id, body, direction FROM notes WHERE kind = 'note' ORDER BY seq_no")
    .all()
    .map((r) => ({ noteId: String(r.note_id), body: String(r.body), direction: String(r.direction) }));
}

export const waitFor = async (pred: () => boolean, ms = 10_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};
