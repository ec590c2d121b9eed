import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_SEARCH_TERMS, ftsQuery, searchPlan } from '../../../main/store/note-search';
import { canonicalLabel } from '../../../shared/labels/canonical-json';
import type { Label } from '../../../shared/labels/model';
import { ALICE, CHANNEL, CONFIDENTIAL, SECRET, T0, UNCLASSIFIED, codeOf, note, openStore, refusedUnchanged, type Opened } from './note-store.fixtures';

const all = () => true;
const upToConfidential = (l: Label) => l.classification <= 3;

/** Pieces of FTS5 query syntax and other awkward text, for the property test to combine. */
const HOSTILE = ['"', "'", '""', 'NEAR', 'NEAR(', ')', '(', 'OR', 'AND', 'NOT', '*', '^', ':', 'body:', 'notes_fts:', '{body}', '-', '+', ',', '\\', '\u0000', '\uD800', '\u0301', 'été', '中文', 'مرحبا', '🙂', '\n', '\t', ' ', 'rank', 'MATCH', "'; DROP TABLE notes; --"];

describe('note store: building the FTS5 query', () => {
  it('quotes every word, so FTS5 operators and column filters are plain words', () => {
    expect(ftsQuery('convoy OR dawn')).toBe('"convoy" "OR" "dawn"');
    expect(ftsQuery('body: NEAR(a b) NOT c*')).toBe('"body" "NEAR" "a" "b" "NOT" "c"');
    expect(ftsQuery('"unterminated')).toBe('"unterminated"');
    expect(ftsQuery('l’été à Paris')).toBe('"l" "été" "à" "Paris"');
    expect(ftsQuery('Paris paris PARIS')).toBe('"Paris"');
    expect(ftsQuery('')).toBeNull();
    expect(ftsQuery('   \n\t ')).toBeNull();
    expect(ftsQuery('"*()^:-+')).toBeNull();
    expect(ftsQuery(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))?.split(' ')).toHaveLength(MAX_SEARCH_TERMS);
  });

  it('only ever produces quoted words without quotes inside (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary' }))), (parts) => {
        const q = ftsQuery(parts.join(' '));
        if (q === null) return;
        for (const term of q.split(' ')) expect(term).toMatch(/^"[^"\s]+"$/u);
      }),
      { numRuns: 500 },
    );
  });
});

describe('note store: search', () => {
  let o: Opened;
  beforeEach(async () => {
    o = await openStore();
  });
  afterEach(() => o.close());

  it('finds French words without their accents, and in any case', () => {
    o.store.insertNotes([
      note({ noteId: 'fr1', body: 'Réunion prévue cet été à la frontière.' }),
      note({ noteId: 'fr2', body: 'Le rapport de l’équipe est arrivé.' }),
      note({ noteId: 'en1', body: 'Summer meeting at the border.' }),
    ]);
    const ids = (q: string) => o.store.search(q, { limit: 10, mayRead: all }).map((n) => n.noteId).sort();
    expect(ids('ete')).toEqual(['fr1']);
    expect(ids('ÉTÉ')).toEqual(['fr1']);
    expect(ids('reunion frontiere')).toEqual(['fr1']);
    expect(ids('e\u0301quipe')).toEqual(['fr2']); // typed with a combining accent
    expect(ids('equipe arrive')).toEqual(['fr2']);
    expect(ids('border')).toEqual(['en1']);
    // Every word must be present.
    expect(ids('ete border')).toEqual([]);
  });

  it('returns only notes the viewer may read, and the limit counts only those', () => {
    const labels = [UNCLASSIFIED, SECRET, CONFIDENTIAL, SECRET];
    o.store.insertNotes(Array.from({ length: 40 }, (_, i) => note({ noteId: `m${i}`, label: labels[i % 4] as Label, body: `convoy report number ${i}` })));
    const seenLabels: string[] = [];
    const found = o.store.search('convoy', {
      limit: 15,
      mayRead: (l) => {
        seenLabels.push(canonicalLabel(l));
        return upToConfidential(l);
      },
    });
    expect(found).toHaveLength(15);
    expect(found.every((n) => n.label.classification <= 3)).toBe(true);
    // Asked once per distinct label, not per row.
    expect(seenLabels.sort()).toEqual([canonicalLabel(UNCLASSIFIED), canonicalLabel(CONFIDENTIAL), canonicalLabel(SECRET)].sort());
    // 20 readable in all: a larger limit gets exactly those.
    expect(o.store.search('convoy', { limit: 100, mayRead: upToConfidential })).toHaveLength(20);
    expect(o.store.search('convoy', { limit: 100, mayRead: (l) => l.classification === 1 }).map((n) => n.noteId).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i * 4}`).sort());
    expect(o.store.search('convoy', { limit: 100, mayRead: () => false })).toEqual([]);
  });

  it('ranks the best match first', () => {
    o.store.insertNotes([
      note({ noteId: 'weak', body: 'A long note that mentions the checkpoint once among many other words about logistics and weather and routes.' }),
      note({ noteId: 'strong', body: 'Checkpoint checkpoint checkpoint.' }),
      note({ noteId: 'none', body: 'Nothing relevant.' }),
    ]);
    expect(o.store.search('checkpoint', { limit: 10, mayRead: all }).map((n) => n.noteId)).toEqual(['strong', 'weak']);
  });

  it('walks the ranking lazily when labels are too many to filter in SQL', () => {
    // 300 distinct labels (each note marked with its own privacy mark): the chunked walk, not the SQL filter.
    o.store.insertNotes(Array.from({ length: 300 }, (_, i) => note({ noteId: `u${i}`, label: { ...UNCLASSIFIED, privacyMark: `MARK ${i}` }, body: `patrol ${i}` })));
    let asked = 0;
    const every50th = (l: Label) => {
      asked += 1;
      return Number(l.privacyMark?.slice(5)) % 50 === 0;
    };
    const found = o.store.search('patrol', { limit: 4, mayRead: every50th });
    expect(found).toHaveLength(4);
    expect(found.every((n) => Number(n.label.privacyMark?.slice(5)) % 50 === 0)).toBe(true);
    expect(asked).toBeLessThan(300); // stopped once four were found
    asked = 0;
    expect(o.store.search('patrol', { limit: 100, mayRead: every50th })).toHaveLength(6);
    expect(asked).toBe(300);
  });

  it('searches one channel or all of them', () => {
    o.store.createChannel({ channelId: 'other', name: 'Other', admin: ALICE, members: [], createdAt: T0 });
    o.store.insertNotes([note({ noteId: 'a', body: 'harbour watch' }), note({ noteId: 'b', channelId: 'other', body: 'harbour watch' })]);
    expect(o.store.search('harbour', { limit: 10, mayRead: all, channelId: 'other' }).map((n) => n.noteId)).toEqual(['b']);
    expect(o.store.search('harbour', { limit: 10, mayRead: all }).map((n) => n.noteId).sort()).toEqual(['a', 'b']);
    refusedUnchanged(o.profile.db, () => o.store.search('harbour', { limit: 10, mayRead: all, channelId: 'nope' }), 'channel_unknown');
  });

  it('never fails on hostile or odd user text', () => {
    o.store.insertNotes([note({ noteId: 'x', body: 'body NEAR été OR not 中文 مرحبا' }), note({ noteId: 'y', body: 'plain' })]);
    const queries = [...HOSTILE, '', '   ', 'body:été', 'NEAR(été 中文)', 'a OR b', 'x AND', '"été', 'x'.repeat(10_000), 'été '.repeat(2_500), '(((((', ')))))', '\uDC00\uD800'];
    for (const q of queries) expect(() => o.store.search(q, { limit: 5, mayRead: all })).not.toThrow();
    expect(o.store.search('body:été', { limit: 5, mayRead: all }).map((n) => n.noteId)).toEqual(['x']);
    expect(o.store.search('NEAR(été 中文)', { limit: 5, mayRead: all }).map((n) => n.noteId)).toEqual(['x']);
    expect(o.store.search('مرحبا', { limit: 5, mayRead: all }).map((n) => n.noteId)).toEqual(['x']);
    expect(o.store.search('plain OR body', { limit: 5, mayRead: all })).toEqual([]); // OR is a word here, not an operator
    expect(o.store.search('', { limit: 5, mayRead: all })).toEqual([]);
  });

  it('never fails and only returns readable notes, whatever the text (property)', () => {
    o.store.insertNotes([
      note({ body: 'NEAR OR AND NOT été body rank', label: SECRET }),
      note({ body: 'near or and not ete body rank 中文', label: UNCLASSIFIED }),
      note({ body: '"quoted" (parens) col:filter * ^caret', label: CONFIDENTIAL }),
    ]);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary', maxLength: 30 }))), fc.integer({ min: 1, max: 3 }), (parts, limit) => {
        const found = o.store.search(parts.join(' '), { limit, mayRead: upToConfidential });
        expect(found.length).toBeLessThanOrEqual(limit);
        expect(found.every((n) => n.label.classification <= 3)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses malformed options', () => {
    for (const bad of [{ limit: 0, mayRead: all }, { limit: 1.5, mayRead: all }, { limit: 5 }, { limit: 5, mayRead: 'yes' }, { limit: 5, mayRead: all, channelId: '' }]) {
      expect(codeOf(() => o.store.search('x', bad as never))).toBe('invalid_input');
    }
    expect(codeOf(() => o.store.search(42 as never, { limit: 1, mayRead: all }))).toBe('invalid_input');
  });

  it('reports a damaged label among the matches as database_corrupt', () => {
    o.store.insertNote(note({ noteId: 'd', body: 'damaged note', label: SECRET }));
    o.profile.db.connection.prepare('UPDATE notes SET label = ? WHERE note_id = ?').run(['{"classification":4}', 'd']);
    expect(codeOf(() => o.store.search('damaged', { limit: 5, mayRead: all }))).toBe('database_corrupt');
    expect(codeOf(() => o.store.channels())).toBe('database_corrupt');
  });

  it('lets the FTS index deliver rows in rank order (no sort of its own, no scan of notes)', () => {
    for (const options of [{}, { channelId: CHANNEL }, { channelId: CHANNEL, filtered: true }]) {
      const plan = searchPlan(o.profile.db, options).join(' | ');
      expect(plan).toMatch(/^SCAN notes_fts VIRTUAL TABLE INDEX \d+:M/);
      expect(plan).toMatch(/SEARCH n USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(plan).not.toMatch(/TEMP B-TREE|SCAN n\b/);
    }
  });
});
