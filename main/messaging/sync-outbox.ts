import { EntenteError, type ErrorCode } from '../../shared/errors';
import type { OutboxEntry } from '../store/note-store';
import { backoffDelay, type BackoffOptions } from '../transport/backoff';
import type { RelayClient } from '../transport/relay-client';
import type { MessagingContext } from './context';
import type { FlushReport, SyncEvent, SyncLog } from './sync-types';

/**
 * Flushing the persistent outbox to the relay. The send pipeline wrote each note and its outbox entry
 * before anything goes out, so a crash at any point only means sending again, and the relay stores a
 * (sender, note id) once: at-least-once transmission, exactly-once storage. Entries go oldest first
 * and are pipelined on the one connection (the relay commits them in that order), except that a
 * channel's control note is a barrier: notes of a channel are not sent before its creation (or a
 * membership change) is stored, since a recipient refuses, for good, a note for a channel it does not
 * know yet. A refused entry stays queued and is tried again after a growing, jittered wait.
 */

export const DEFAULT_RETRY: BackoffOptions = { baseMs: 2_000, maxMs: 3_600_000 };
const MIN_RETRY_MS = 1_000;

/** Not the relay refusing the note but the connection failing: no attempt is counted, it goes again at the next login. */
const CONNECTION_CODES = new Set<ErrorCode>(['relay_unavailable', 'relay_unreachable', 'transport_timeout', 'relay_auth_failed']);

export interface FlushDeps {
  ctx: MessagingContext;
  client: RelayClient;
  retry: BackoffOptions;
  random: () => number;
  emit: (e: SyncEvent) => void;
  log: SyncLog;
}

export const emptyFlushReport = (): FlushReport => ({ stored: [], queued: [], refused: [] });

export async function flushOutbox(d: FlushDeps): Promise<FlushReport> {
  const report = emptyFlushReport();
  const now = d.ctx.now();
  const blocked = new Set<string>();
  const pending: Promise<boolean>[] = [];
  for (const { entry: e, control } of queuedInOrder(d.ctx)) {
    if (blocked.has(e.channelId) || e.nextAttemptAt > now) {
      report.queued.push(e.noteId);
      if (control) blocked.add(e.channelId);
      continue;
    }
    const sent = sendEntry(d, e, report);
    if (!control) {
      pending.push(sent);
      continue;
    }
    if (!(await sent)) blocked.add(e.channelId);
  }
  await Promise.all(pending);
  return report;
}

/**
 * The queued entries in the order they were written: by the per-sender sequence the send pipeline
 * allocated in the sealing transaction. (The outbox's own order is by time, and notes written in the
 * same millisecond, a channel and its first note, must not swap.)
 */
function queuedInOrder(ctx: MessagingContext): { entry: OutboxEntry; control: boolean }[] {
  return ctx.notes
    .outbox()
    .filter((e) => e.state === 'queued')
    .map((entry) => {
      const note = ctx.notes.note(entry.noteId);
      return { entry, control: note?.kind === 'control', seq: note?.senderSeq ?? Number.MAX_SAFE_INTEGER };
    })
    .sort((x, y) => x.seq - y.seq || x.entry.createdAt - y.entry.createdAt);
}

async function sendEntry(d: FlushDeps, e: OutboxEntry, report: FlushReport): Promise<boolean> {
  if (d.client.state === 'ready') d.emit({ type: 'delivery', noteId: e.noteId, state: 'sent' });
  try {
    await d.client.send({ noteId: e.noteId, to: e.recipients, envelope: e.envelope });
  } catch (err) {
    if (!(err instanceof EntenteError)) throw err;
    report.queued.push(e.noteId);
    if (CONNECTION_CODES.has(err.code)) return false;
    const wait = Math.max(MIN_RETRY_MS, backoffDelay(e.attempts, d.retry, d.random));
    d.ctx.notes.markAttempt(e.noteId, d.ctx.now() + wait);
    report.refused.push({ noteId: e.noteId, code: err.code });
    d.emit({ type: 'delivery', noteId: e.noteId, state: 'refused', code: err.code });
    d.log('send_refused', { code: err.code, attempts: e.attempts + 1, retryInMs: wait });
    return false;
  }
  d.ctx.notes.markStored(e.noteId, d.ctx.now());
  report.stored.push(e.noteId);
  d.emit({ type: 'delivery', noteId: e.noteId, state: 'stored' });
  return true;
}
