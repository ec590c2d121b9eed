import type { z } from 'zod';
import type { ChannelsList, DisplayContext, NotesBody, NotesBodyInput, NotesPage, NotesPageInput, NotesSearch, NotesSearchInput } from '../../shared/api/notes-schemas';
import { highestOnScreen } from '../../shared/display';
import { EntenteError } from '../../shared/errors';
import { parseCanonicalLabel } from '../../shared/labels/canonical-json';
import type { Label } from '../../shared/labels/model';
import type { Core } from './core';
import { Markings, Names, noteMeta } from './note-view';
import { viewerOf } from './viewer';

/**
 * Reading under need-to-know (DESIGN.md §7). Lists and pages carry metadata and a display decision
 * per note, never a body. notes.body decides again at the moment it is asked, with the credential,
 * ceiling and session mode of that moment, and records the display (once per note and session, or
 * since the settings last changed) or every refusal in the audit history (note_displayed /
 * note_withheld, as `entente messages` does), never the text. A page records each note it shows as a
 * redaction card (note_withheld, once per note and session): the renderer never asks for those bodies,
 * so the page is the moment the officer is shown that a note is withheld.
 */

export async function displayContext(core: Core): Promise<z.infer<typeof DisplayContext>> {
  const s = await core.sessions.require();
  const viewer = viewerOf(s, core.lang());
  return { language: viewer.lang, viewer: viewer.effective, policies: s.ctx.registry.list().slice(0, 64) };
}

export async function channelsList(core: Core): Promise<z.infer<typeof ChannelsList>> {
  const s = await core.sessions.require();
  const viewer = viewerOf(s, core.lang());
  const channels = s.ctx.notes.channels().map((c) => {
    const labels: Label[] = c.labels.map((l) => parseCanonicalLabel(l));
    return {
      channelId: c.channelId,
      name: c.name,
      admin: c.admin,
      members: c.members.slice(0, 256),
      unread: c.unread,
      lastAt: c.lastAt,
      highest: highestOnScreen(labels, viewer.policyOf, { lang: viewer.lang }).slice(0, 16),
    };
  });
  return { channels };
}

export async function notesPage(core: Core, input: z.input<typeof NotesPageInput>): Promise<z.infer<typeof NotesPage>> {
  const s = await core.sessions.require();
  const viewer = viewerOf(s, core.lang());
  const limit = input.limit ?? 50;
  // One more than asked says whether an older page exists.
  const rows = s.ctx.notes.page(input.channelId, { limit: limit + 1, ...(input.before === undefined ? {} : { before: input.before }) });
  const page = rows.slice(0, limit);
  const names = new Names(s.ctx);
  const markings = new Markings(viewer);
  const last = page.at(-1);
  const notes = page.map((n) => noteMeta(s.ctx, n, viewer, names, markings));
  const redacted = page.filter((n, i) => notes[i]?.display.show === false && !s.wasWithheld(n.noteId));
  if (redacted.length > 0) {
    s.profile.db.transaction(() => {
      for (const n of redacted) {
        const d = viewer.decide(n.label);
        const codes = d.show ? [] : [...new Set(d.reasons.map((r) => r.code))];
        s.ctx.audit.record({ type: 'note_withheld', outcome: 'refused', actor: 'self', subjects: [n.noteId], channel: n.channelId, label: n.label, code: codes[0] ?? 'note_withheld', details: { reasons: codes, shownAs: 'redaction' } });
      }
    });
    for (const n of redacted) s.markWithheld(n.noteId);
  }
  return {
    notes,
    next: rows.length > limit && last !== undefined ? { sentAt: last.sentAt, noteId: last.noteId } : null,
    total: s.ctx.notes.count(input.channelId),
  };
}

export async function notesBody(core: Core, input: z.infer<typeof NotesBodyInput>): Promise<z.infer<typeof NotesBody>> {
  const s = await core.sessions.require();
  const note = s.ctx.notes.note(input.noteId);
  if (note === undefined) throw new EntenteError('note_missing', 'There is no such note in this profile.');
  // Decided now, not when the page was drawn: a ceiling lowered or a credential revoked since counts.
  const decision = viewerOf(s, core.lang()).decide(note.label);
  const audit = s.ctx.audit;
  const where = { subjects: [note.noteId], channel: note.channelId, label: note.label };
  if (!decision.show) {
    const codes = [...new Set(decision.reasons.map((r) => r.code))];
    audit.record({ type: 'note_withheld', outcome: 'refused', actor: 'self', ...where, code: codes[0] ?? 'note_withheld', details: { reasons: codes } });
    throw new EntenteError('note_withheld', `This note may not be shown here now (${codes.join(', ')}).`);
  }
  // Recorded once per note and session: a virtualized list fetches a body again each time it scrolls back.
  if (!s.wasDisplayed(note.noteId)) {
    s.profile.db.transaction(() => {
      audit.record({ type: 'note_displayed', outcome: 'ok', actor: 'self', ...where });
      if (!note.read) s.ctx.notes.markRead([note.noteId]);
    });
    s.markDisplayed(note.noteId);
  }
  return { noteId: note.noteId, kind: note.kind, body: note.body };
}

export async function notesSearch(core: Core, input: z.input<typeof NotesSearchInput>): Promise<z.infer<typeof NotesSearch>> {
  const s = await core.sessions.require();
  const viewer = viewerOf(s, core.lang());
  const limit = input.limit ?? 50;
  // Only notes the viewer may be shown now are searched: a withheld note's words must not even match.
  const found = s.ctx.notes.search(input.query, { limit, mayRead: (label) => viewer.decide(label).show, ...(input.channelId === undefined ? {} : { channelId: input.channelId }) });
  // The query itself is never recorded: it may say what the officer is looking for.
  s.ctx.audit.record({ type: 'search_run', outcome: 'ok', actor: 'self', ...(input.channelId === undefined ? {} : { channel: input.channelId }), details: { results: found.length } });
  const names = new Names(s.ctx);
  const markings = new Markings(viewer);
  return { notes: found.map((n) => noteMeta(s.ctx, n, viewer, names, markings)) };
}
