import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntenteError } from '../../../shared/errors';
import { canonicalJson } from '../../../shared/labels/canonical-json';
import { sodiumReady } from '../../../main/crypto/sodium';
import type { Profile } from '../../../main/identity/profile';
import { CONTENT_VERSION, MAX_NOTE_TEXT, decodeContent, encodeContent, forbiddenKey } from '../../../main/messaging/content';
import { MAX_CLOCK_AHEAD_MS, MAX_NOTE_AGE_MS, checkFreshness, pruneSeen } from '../../../main/messaging/freshness';
import { NoteStore } from '../../../main/store/note-store';
import { newProfile } from '../../helpers/profile';
import { tempDir } from '../../helpers/tmp';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (!(err instanceof EntenteError)) throw err;
    return err.code;
  }
};

describe('note content: canonical JSON, strict, limited', () => {
  it('round-trips every valid note text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme' }), (text) => {
        fc.pre(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text));
        const bytes = encodeContent({ v: CONTENT_VERSION, type: 'note', text });
        expect(decodeContent(bytes, 'note')).toEqual({ v: 1, type: 'note', text });
      }),
    );
  });

  it('never throws anything but a coded refusal, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('note' as const, 'control' as const), (bytes, kind) => {
        const code = codeOf(() => decodeContent(bytes, kind));
        expect(['note_content_malformed', 'note_too_long']).toContain(code);
      }),
    );
  });

  it('never accepts arbitrary JSON, and refuses forbidden keys at any depth', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom('note' as const, 'control' as const), (value, kind) => {
        const text = JSON.stringify(value) ?? 'null';
        expect(codeOf(() => decodeContent(new TextEncoder().encode(text), kind))).toBe('note_content_malformed');
      }),
    );
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const nested = `{"a":[{"b":{"${key}":1}}]}`;
      expect(forbiddenKey(JSON.parse(nested))).toBe(key);
    }
    expect(forbiddenKey({ a: [1, { b: 'constructor' }] })).toBeUndefined();
  });

  it('refuses a text over the limit on both sides', () => {
    expect(codeOf(() => encodeContent({ v: CONTENT_VERSION, type: 'note', text: 'a'.repeat(MAX_NOTE_TEXT + 1) }))).toBe('note_too_long');
    expect(codeOf(() => decodeContent(new TextEncoder().encode(canonicalJson({ text: 'a'.repeat(MAX_NOTE_TEXT + 1), type: 'note', v: 1 })), 'note'))).toBe('note_too_long');
    expect(codeOf(() => decodeContent(new Uint8Array(64 * 1024 + 1), 'note'))).toBe('note_too_long');
    expect(decodeContent(encodeContent({ v: CONTENT_VERSION, type: 'note', text: 'a'.repeat(MAX_NOTE_TEXT) }), 'note').type).toBe('note');
  });

  it('writes control operations with sorted, duplicate-free member sets', () => {
    const m = (officerId: string) => ({ agency: 'uk-demo', officerId });
    expect(codeOf(() => encodeContent({ v: CONTENT_VERSION, type: 'control', op: 'create', name: 'x', members: [m('b'), m('a')] }))).toBe('invalid_input');
    expect(codeOf(() => encodeContent({ v: CONTENT_VERSION, type: 'control', op: 'create', name: 'x', members: [m('a'), m('a')] }))).toBe('invalid_input');
    expect(codeOf(() => encodeContent({ v: CONTENT_VERSION, type: 'control', op: 'rename', name: ' padded ' }))).toBe('invalid_input');
    const ok = encodeContent({ v: CONTENT_VERSION, type: 'control', op: 'create', name: 'x', members: [m('a'), m('b')] });
    expect(decodeContent(ok, 'control')).toMatchObject({ op: 'create', members: [m('a'), m('b')] });
  });
});

describe('freshness window', () => {
  const now = Date.parse('2026-06-01T10:00:00.000Z');
  let tmp: ReturnType<typeof tempDir>;
  let profile: Profile;

  beforeAll(async () => {
    await sodiumReady();
    tmp = tempDir();
    profile = await newProfile(`${tmp.path}/p`);
  });
  afterAll(() => {
    profile.lock();
    tmp.remove();
  });

  it('accepts 31 days back and 5 minutes ahead, not a millisecond more', () => {
    expect(MAX_NOTE_AGE_MS).toBe(31 * 86_400_000);
    expect(MAX_CLOCK_AHEAD_MS).toBe(5 * 60_000);
    expect(codeOf(() => checkFreshness(now - MAX_NOTE_AGE_MS, now))).toBeUndefined();
    expect(codeOf(() => checkFreshness(now - MAX_NOTE_AGE_MS - 1, now))).toBe('note_too_old');
    expect(codeOf(() => checkFreshness(now + MAX_CLOCK_AHEAD_MS, now))).toBeUndefined();
    expect(codeOf(() => checkFreshness(now + MAX_CLOCK_AHEAD_MS + 1, now))).toBe('note_from_future');
  });

  it('prunes seen note ids only once they are outside the window, where freshness refuses them anyway', () => {
    const store = new NoteStore(profile.db);
    const sender = { agency: 'uk-demo', officerId: 'bob', serial: 1 };
    store.recordSeen({ noteId: 'old', sender, seq: 1, noteTime: now - MAX_NOTE_AGE_MS - 1, seenAt: now });
    store.recordSeen({ noteId: 'edge', sender, seq: 2, noteTime: now - MAX_NOTE_AGE_MS, seenAt: now });
    store.recordSeen({ noteId: 'new', sender, seq: 3, noteTime: now, seenAt: now });
    expect(pruneSeen(store, now)).toBe(1);
    expect([store.seen('old'), store.seen('edge'), store.seen('new')]).toEqual([false, true, true]);
  });
});
