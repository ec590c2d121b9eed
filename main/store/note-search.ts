import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import type { Label } from '../../shared/labels/model';
import type { EncryptedDatabase } from './database';
import { requireChannel } from './note-channels';
import { LabelReader, NOTE_COLUMNS, corrupt, int, noteFromRow, text } from './note-rows';
import { PageLimit, RecordId, checked, type NoteRecord } from './note-types';
import { sqliteCode } from './sqlite-errors';

/**
 * Full-text search over note bodies (FTS5, migration 6) that returns only notes the viewer may read now.
 *
 * User text never reaches FTS5's query syntax: it is cut into words (runs of letters, digits and
 * combining marks — what the unicode61 tokenizer keeps) and each word becomes a quoted string, so
 * NEAR, OR, NOT, *, ^, "col:" and parentheses are just words. The words are ANDed.
 */

/** More words than this add little to a search and would make the query costly; the rest are ignored. */
export const MAX_SEARCH_TERMS = 16;

const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/** The MATCH expression for `text`, or null when it holds no word (nothing can match). */
export function ftsQuery(text: string): string | null {
  const terms: string[] = [];
  const distinct = new Set<string>();
  // NFC, so that a decomposed "é" typed by the user is one word like the stored precomposed one.
  for (const m of text.normalize('NFC').matchAll(WORD)) {
    const word = m[0];
    const key = word.toLowerCase();
    if (distinct.has(key)) continue;
    distinct.add(key);
    // A word holds no '"' (WORD excludes it), so quoting needs no escaping.
    terms.push(`"${word}"`);
    if (terms.length === MAX_SEARCH_TERMS) break;
  }
  return terms.length === 0 ? null : terms.join(' ');
}

export interface SearchOptions {
  limit: number;
  channelId?: string;
  mayRead: (label: Label) => boolean;
}

const Options = z.object({ limit: PageLimit, channelId: RecordId.optional(), mayRead: z.custom<SearchOptions['mayRead']>((v) => typeof v === 'function', 'mayRead must be a function') });

/** Ranked candidates are fetched in chunks that grow, so a viewer who may read most notes costs one query. */
const MAX_CHUNK = 4096;
/** Up to this many distinct labels in scope, the readable ones are also given to SQL as a filter. */
const MAX_FILTER_LABELS = 256;

/**
 * Best match first (bm25). Rows whose label `mayRead` refuses are skipped and do not count towards
 * `limit`. The ranked matches are walked lazily, a chunk at a time, reading only (rowid, label) until
 * a row is kept; `mayRead` is asked once per distinct label.
 *
 * A viewer who may read few of many matches would make that walk long, so when the labels present
 * in scope are few (the usual case: a channel holds a handful), they are decided first and the
 * readable ones are passed to the query itself: SQLite then skips the others while walking the
 * ranking, and the first chunk holds the answer.
 */
export function searchNotes(db: EncryptedDatabase, query: string, options: SearchOptions): NoteRecord[] {
  if (typeof query !== 'string') throw new EntenteError('invalid_input', 'search: the query must be text');
  const o = checked(Options, options, 'search options');
  if (o.channelId !== undefined) requireChannel(db, o.channelId);
  const match = ftsQuery(query);
  if (match === null) return [];

  const labels = new LabelReader();
  const decisions = new Map<string, boolean>();
  const mayRead = (labelJson: string): boolean => {
    let allowed = decisions.get(labelJson);
    if (allowed === undefined) {
      allowed = o.mayRead(labels.read(labelJson)) === true;
      decisions.set(labelJson, allowed);
    }
    return allowed;
  };
  try {
    let filter: string[] | null = null;
    const inScope = labelsInScope(db, o.channelId);
    if (inScope.length <= MAX_FILTER_LABELS) {
      filter = inScope.filter(mayRead);
      if (filter.length === 0) return [];
      if (filter.length === inScope.length) filter = null;
    }
    const kept: number[] = [];
    for (const candidate of rankedCandidates(db, match, o.channelId, filter, Math.min(o.limit * 2 + 16, MAX_CHUNK))) {
      if (!mayRead(candidate.labelJson)) continue;
      kept.push(candidate.seqNo);
      if (kept.length === o.limit) break;
    }
    return loadInOrder(db, kept, labels);
  } catch (err) {
    if (sqliteCode(err)?.startsWith('SQLITE_CORRUPT') === true) throw corrupt('the full-text index', err);
    throw err;
  }
}

/** The distinct labels of the notes in scope (one more than the filter takes, to know it is too many). */
function labelsInScope(db: EncryptedDatabase, channelId: string | undefined): string[] {
  const sql = channelId === undefined ? 'SELECT DISTINCT label FROM channel_labels LIMIT ?' : 'SELECT label FROM channel_labels WHERE channel_id = ? LIMIT ?';
  const params = channelId === undefined ? [MAX_FILTER_LABELS + 1] : [channelId, MAX_FILTER_LABELS + 1];
  return db.connection.prepare(sql, { pluck: true }).all(params).map((l) => {
    if (typeof l !== 'string') throw corrupt('a channel label is not text');
    return l;
  });
}

// CROSS JOIN keeps the FTS table as the outer loop, so FTS5 delivers rows already in rank order and
// SQLite stops at the LIMIT; joined the other way, a large channel would be scanned whole.
const rankedSql = (inChannel: boolean, filtered: boolean) =>
  `SELECT n.seq_no, n.label FROM notes_fts CROSS JOIN notes AS n ON n.seq_no = notes_fts.rowid
    WHERE notes_fts MATCH ?${inChannel ? ' AND n.channel_id = ?' : ''}${filtered ? ' AND n.label IN (SELECT value FROM json_each(?))' : ''}
    ORDER BY notes_fts.rank LIMIT ? OFFSET ?`;

function rankedParams(match: string, channelId: string | undefined, filter: string[] | null): (string | number)[] {
  const params: (string | number)[] = [match];
  if (channelId !== undefined) params.push(channelId);
  if (filter !== null) params.push(JSON.stringify(filter));
  return params;
}

function* rankedCandidates(db: EncryptedDatabase, match: string, channelId: string | undefined, filter: string[] | null, firstChunk: number): Generator<{ seqNo: number; labelJson: string }> {
  const sql = rankedSql(channelId !== undefined, filter !== null);
  const params = rankedParams(match, channelId, filter);
  let offset = 0;
  let chunk = firstChunk;
  for (;;) {
    const rows = db.connection.prepare(sql).all([...params, chunk, offset]);
    for (const r of rows) yield { seqNo: int(r, 'seq_no'), labelJson: text(r, 'label') };
    if (rows.length < chunk) return;
    offset += rows.length;
    chunk = Math.min(chunk * 4, MAX_CHUNK);
  }
}

function loadInOrder(db: EncryptedDatabase, seqNos: readonly number[], labels: LabelReader): NoteRecord[] {
  if (seqNos.length === 0) return [];
  const rows = db.connection.prepare(`SELECT seq_no, ${NOTE_COLUMNS} FROM notes WHERE seq_no IN (SELECT value FROM json_each(?))`).all([JSON.stringify(seqNos)]);
  const bySeq = new Map(rows.map((r) => [int(r, 'seq_no'), r]));
  return seqNos.map((s) => {
    const row = bySeq.get(s);
    if (row === undefined) throw corrupt('a matched note vanished');
    return noteFromRow(row, labels);
  });
}

/** The query plan of a search, for tests and the benchmark to show how the ranking is read. */
export function searchPlan(db: EncryptedDatabase, options: { channelId?: string; filtered?: boolean } = {}): string[] {
  const filter = options.filtered === true ? ['{}'] : null;
  const sql = `EXPLAIN QUERY PLAN ${rankedSql(options.channelId !== undefined, filter !== null)}`;
  return db.connection.prepare(sql).all([...rankedParams('"x"', options.channelId, filter), 1, 0]).map((r) => String(r.detail));
}
