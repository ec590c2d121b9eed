import type { RelayLimitsView } from '../shared/wire/relay-frames';
import type { TrustContext } from './auth';
import type { CommitQueue } from './commit-queue';
import type { RelayConnection } from './connection';
import type { Directory } from './directory';
import type { RelayLimits } from './limits';
import type { RelayLogger } from './log';
import type { EnvelopeStore } from './store';

/** What every connection of one relay shares (built by server.ts). */
export interface RelayContext {
  relayId: string;
  limits: RelayLimits;
  limitsView: RelayLimitsView;
  retentionMs: number;
  trust: TrustContext;
  store: EnvelopeStore;
  directory: Directory;
  queue: CommitQueue;
  logger: RelayLogger;
  now(): number;
  /** Every open connection, authenticated or not. */
  connections: Set<RelayConnection>;
  /** The one authenticated connection of each officer ("agency/officerId"); a newer one replaces it. */
  officers: Map<string, RelayConnection>;
  closing: boolean;
  /** Disconnects officers whose credential has just been revoked. */
  enforceRevocations(): void;
}
