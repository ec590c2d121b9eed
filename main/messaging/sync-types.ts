import type { ErrorCode } from '../../shared/errors';
import type { PrekeySchedule } from '../identity/prekeys';
import type { BackoffOptions } from '../transport/backoff';
import type { LogFields, RelayClient, RelayClientOptions, RelayClientState } from '../transport/relay-client';
import type { OfficerRef } from './content';

/** The sync engine's public types (sync.ts). */

export type SyncLog = (event: string, fields?: LogFields) => void;

export interface SyncOptions {
  /** ws://HOST:PORT or wss://… of the relay. */
  url: string;
  /** The id the relay must present; default the URL's scheme, host and port. */
  relayId?: string;
  /** A client to use instead of one made for the context's officer (its handlers are taken over). */
  client?: RelayClient;
  /** Passed to the RelayClient the session makes (backoff, timeouts). */
  clientOptions?: Partial<Omit<RelayClientOptions, 'url' | 'relayId' | 'credential' | 'sign' | 'log'>>;
  /** SPIFs known without import (the shipped ones), to verify credentials read from the directory. */
  fallbackSpifs?: readonly string[];
  /** Events with primitive fields only: ids, codes, counts. Never note content or labels. */
  log?: SyncLog;
  /** The wait before a send the relay refused is tried again: base × 2^attempts, capped, jittered. */
  retry?: BackoffOptions;
  random?: () => number;
  /** A long-running session re-checks its prekeys and due outbox entries this often; default 5 min. */
  maintenanceMs?: number;
  prekeySchedule?: PrekeySchedule;
}

/** A directory object that was not imported, and why (its code). */
export interface SkippedObject {
  kind: 'credential' | 'prekey' | 'revocation-list';
  /** "<agency>/<officer> #serial", "<agency>/<officer> prekey N", "<agency> sequence N", or "?" when unreadable. */
  subject: string;
  code: string;
}

export interface DirectoryCounts {
  imported: number;
  unchanged: number;
  skipped: number;
}

export interface DirectoryReport {
  credentials: DirectoryCounts;
  prekeys: DirectoryCounts;
  revocationLists: DirectoryCounts;
  /** At most 100 listed; the counts are complete. */
  skipped: SkippedObject[];
}

export interface PublishReport {
  credential: 'new' | 'unchanged' | 'updated';
  prekey: { id: number; outcome: 'new' | 'unchanged' | 'updated' } | null;
  /** A prekey created by this publish (rotation was due). */
  rotated: number | null;
  /** Revocation lists held here that the relay did not have yet. */
  revocationLists: number;
}

export interface FlushReport {
  /** Note ids the relay confirmed as stored in this flush. */
  stored: string[];
  /** Note ids still queued: refused, waiting for their next attempt, or behind a channel's control note. */
  queued: string[];
  refused: { noteId: string; code: ErrorCode }[];
}

export interface SyncReport {
  published: PublishReport | null;
  directory: DirectoryReport;
  sent: FlushReport;
  received: { stored: number; rejected: { noteId: string | null; code: ErrorCode }[] };
  receipts: { delivered: number; expired: { noteId: string; to: OfficerRef }[] };
}

export type DeliveryState = 'sent' | 'stored' | 'delivered' | 'expired' | 'refused';

/** What a long-running session reports to the app (no note content: read the note from the store). */
export type SyncEvent =
  | { type: 'connection'; state: RelayClientState }
  | { type: 'delivery'; noteId: string; state: DeliveryState; to?: OfficerRef; code?: ErrorCode }
  | { type: 'received'; noteId: string; channelId: string }
  | { type: 'rejected'; noteId: string | null; code: ErrorCode }
  | { type: 'directory'; report: DirectoryReport }
  | { type: 'published'; report: PublishReport }
  | { type: 'error'; code: ErrorCode; message: string };

export const emptyDirectoryReport = (): DirectoryReport => ({
  credentials: { imported: 0, unchanged: 0, skipped: 0 },
  prekeys: { imported: 0, unchanged: 0, skipped: 0 },
  revocationLists: { imported: 0, unchanged: 0, skipped: 0 },
  skipped: [],
});

/** At most this many items are kept in a report's lists; the counts stay complete. */
export const REPORT_LIST_LIMIT = 100;

export function addDirectoryReport(into: DirectoryReport, more: DirectoryReport): void {
  for (const k of ['credentials', 'prekeys', 'revocationLists'] as const) {
    into[k].imported += more[k].imported;
    into[k].unchanged += more[k].unchanged;
    into[k].skipped += more[k].skipped;
  }
  into.skipped.push(...more.skipped.slice(0, Math.max(0, REPORT_LIST_LIMIT - into.skipped.length)));
}
