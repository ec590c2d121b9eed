import type { Label } from '../policy';
import type { AuditEventType } from './events';
import { checkEvent } from './entry';

/**
 * The one door through which every module reports a security event (docs/AUDIT.md). Modules receive
 * a sink and call `record`; they never touch the audit tables. The audit log (log.ts) implements it
 * inside the profile database; `record` runs in the caller's transaction when there is one, so an
 * event and the change it reports commit or roll back together.
 *
 * Details are short identifiers, codes and counts — never note content or anything a label protects.
 */
export type AuditOutcome = 'ok' | 'refused' | 'failed';

export type AuditDetail = string | number | boolean | readonly string[];

export interface AuditEvent {
  type: AuditEventType;
  outcome: AuditOutcome;
  /** Who acted: "<agency>/<officer>" or "self"; absent for the workstation itself. */
  actor?: string;
  /** Ids of what the event is about: note ids, channel ids, "<agency>/<officer>", agreement ids, serials. */
  subjects?: readonly string[];
  /** The label of the note or object concerned, when it has one. */
  label?: Label;
  channel?: string;
  /** Stable error or reason code when the outcome is not ok. */
  code?: string;
  details?: Readonly<Record<string, AuditDetail>>;
}

export interface AuditSink {
  record(event: AuditEvent): void;
}

/** For callers that have no profile open (the CLI's agency commands, tests of other modules). */
export const NO_AUDIT: AuditSink = { record: () => {} };

/**
 * Collects events in memory: tests assert on what a module reported. It checks each event exactly as the
 * audit log does (entry.ts), so an event the log would refuse with `audit_write_failed` fails here too.
 */
export class MemoryAuditSink implements AuditSink {
  readonly events: AuditEvent[] = [];
  record(event: AuditEvent): void {
    checkEvent(event);
    this.events.push(event);
  }
}
