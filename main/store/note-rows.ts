import { EntenteError } from '../../shared/errors';
import { parseCanonicalLabel } from '../../shared/labels/canonical-json';
import type { Label } from '../../shared/labels/model';
import { AgencyId, OfficerId } from '../trust/fields';
import type { NoteRecord, OfficerRef } from './note-types';

/**
 * Reading rows back. STRICT tables already refuse wrong types on write, but a file damaged or edited
 * outside the app must surface as `database_corrupt`, never as a record with the wrong shape or a
 * label that silently means something else.
 */

type Row = Record<string, unknown>;

export const corrupt = (what: string, cause?: unknown): EntenteError =>
  new EntenteError('database_corrupt', `The profile database is damaged: ${what}.`, cause === undefined ? undefined : { cause });

export function text(row: Row, column: string): string {
  const v = row[column];
  if (typeof v !== 'string') throw corrupt(`${column} is not text`);
  return v;
}

export function int(row: Row, column: string): number {
  const v = row[column];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw corrupt(`${column} is not an integer`);
  return v;
}

export function oneOf<T extends string>(row: Row, column: string, values: readonly T[]): T {
  const v = text(row, column);
  if (!(values as readonly string[]).includes(v)) throw corrupt(`${column} holds an unknown value`);
  return v as T;
}

export function officer(row: Row, agencyColumn: string, officerColumn: string): OfficerRef {
  const agency = text(row, agencyColumn);
  const officerId = text(row, officerColumn);
  if (!AgencyId.safeParse(agency).success || !OfficerId.safeParse(officerId).success) throw corrupt('an officer reference is malformed');
  return { agency, officerId };
}

/**
 * Parses stored labels. The canonical check (zod and re-encoding) runs once per distinct text; rows
 * with a text already checked get their own copy by JSON.parse, so no two records share an object.
 */
export class LabelReader {
  readonly #checked = new Set<string>();

  read(labelJson: string): Label {
    if (this.#checked.has(labelJson)) return JSON.parse(labelJson) as Label;
    let label: Label;
    try {
      label = parseCanonicalLabel(labelJson);
    } catch (err) {
      throw corrupt('a note label is not a canonical label', err);
    }
    this.#checked.add(labelJson);
    return label;
  }
}

/** The columns noteFromRow reads, for SELECT lists. */
export const NOTE_COLUMNS =
  'note_id, channel_id, direction, kind, sender_agency, sender_officer, sender_serial, sender_seq, sent_at, received_at, policy_id, classification, label, body, read';

export function noteFromRow(row: Row, labels: LabelReader): NoteRecord {
  const labelJson = text(row, 'label');
  const label = labels.read(labelJson);
  // The indexed copies of the label's policy and classification must agree with the label itself.
  if (label.policyId !== text(row, 'policy_id') || label.classification !== int(row, 'classification')) throw corrupt('a note label disagrees with its indexed columns');
  const read = int(row, 'read');
  if (read !== 0 && read !== 1) throw corrupt('read is not 0 or 1');
  return {
    noteId: text(row, 'note_id'),
    channelId: text(row, 'channel_id'),
    direction: oneOf(row, 'direction', ['in', 'out'] as const),
    kind: oneOf(row, 'kind', ['note', 'control'] as const),
    sender: { ...officer(row, 'sender_agency', 'sender_officer'), serial: int(row, 'sender_serial') },
    senderSeq: int(row, 'sender_seq'),
    sentAt: int(row, 'sent_at'),
    receivedAt: int(row, 'received_at'),
    label,
    labelJson,
    body: text(row, 'body'),
    read: read === 1,
  };
}
