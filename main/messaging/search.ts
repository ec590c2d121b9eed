import { EntenteError } from '../../shared/errors';
import { decide, type Label } from '../policy';
import type { NoteRecord } from '../store/note-store';
import { ownCredential, type MessagingContext } from './context';

/**
 * Full-text search over the notes the viewer may read now: the own credential must be in force and
 * its clearance must pass the ACDF for each note's label, decided at search time (a note received
 * under a clearance since reduced is not found). The query text is never audited or logged: it
 * may itself say what the officer is interested in.
 */

export interface SearchOptions {
  limit?: number;
  channelId?: string;
}

export const DEFAULT_SEARCH_LIMIT = 50;

/** Whether the viewer may read a note with `label` now; false without a credential in force. */
export function mayReadNow(ctx: MessagingContext): (label: Label) => boolean {
  let clearance;
  try {
    clearance = ownCredential(ctx).body.clearance;
  } catch (err) {
    if (err instanceof EntenteError && err.code.startsWith('credential_')) return () => false;
    throw err;
  }
  return (label) => decide(ctx.registry.get(label.policyId), label, clearance).granted;
}

export function searchNotes(ctx: MessagingContext, query: string, options: SearchOptions = {}): NoteRecord[] {
  const limit = options.limit ?? DEFAULT_SEARCH_LIMIT;
  const results = ctx.notes.search(query, { limit, mayRead: mayReadNow(ctx), ...(options.channelId === undefined ? {} : { channelId: options.channelId }) });
  ctx.audit.record({ type: 'search_run', outcome: 'ok', actor: 'self', ...(options.channelId === undefined ? {} : { channel: options.channelId }), details: { results: results.length } });
  return results;
}
