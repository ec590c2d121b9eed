import { describe, expect, it } from 'vitest';
import { aboveLevel, excerptOf, NoteNotification, NOTIFICATION_EXCERPT, notificationMayCarry, notificationText, type DisplayDecision } from '../../../shared/display';
import type { Label } from '../../../shared/labels/model';
import { LANGUAGES } from '../../../shared/prefs';
import { compileSpif } from '../../../main/policy';
import { shippedPolicyText } from '../../../main/policy/shipped';

/** What a notification may carry (shared/display/notification.ts), and its words in both languages. */
const NATO = compileSpif(shippedPolicyText('nato'));
const EU = compileSpif(shippedPolicyText('eu'));
const policyOf = (id: string) => [NATO, EU].find((p) => p.id === id);
const nato = (classification: number): Label => ({ policyId: NATO.id, classification, categories: [] });
const shown: DisplayDecision = { show: true };
const withheld: DisplayDecision = { show: false, reasons: [{ code: 'above_workstation_ceiling', message: 'above the ceiling' }] };
const level = (classification: number) => ({ policyId: NATO.id, classification });

describe('what a notification may carry', () => {
  it('the words of a shown note at or below the level, nothing else', () => {
    expect(notificationMayCarry(nato(1), level(2), shown, policyOf)).toBe(true);
    expect(notificationMayCarry(nato(2), level(2), shown, policyOf)).toBe(true);
    expect(notificationMayCarry(nato(3), level(2), shown, policyOf)).toBe(false);
    expect(notificationMayCarry(nato(1), level(2), withheld, policyOf)).toBe(false);
    expect(notificationMayCarry(nato(1), null, shown, policyOf)).toBe(false);
  });

  it('fails safe on what cannot be compared: another policy, an unknown classification, an unknown policy', () => {
    const eu: Label = { policyId: EU.id, classification: EU.classifications[0]?.lacv ?? 1, categories: [] };
    expect(notificationMayCarry(eu, level(4), shown, policyOf)).toBe(false);
    expect(notificationMayCarry(nato(99), level(4), shown, policyOf)).toBe(false);
    expect(notificationMayCarry(nato(1), level(99), shown, policyOf)).toBe(false);
    expect(aboveLevel(nato(1), level(4), () => undefined)).toBe(true);
  });
});

describe('the excerpt', () => {
  it('folds lines and control characters into single spaces', () => {
    expect(excerptOf('  Line one\n\n\tline two\u0007 end  ')).toBe('Line one line two end');
  });

  it('keeps a short note whole and cuts a long one at a word, marked with an ellipsis', () => {
    const exact = 'x'.repeat(NOTIFICATION_EXCERPT);
    expect(excerptOf(exact)).toBe(exact);
    const long = `${'word '.repeat(60)}end`;
    const cut = excerptOf(long);
    expect(cut.endsWith('word…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(NOTIFICATION_EXCERPT + 1);
  });

  it('never splits a surrogate pair, and always fits the schema', () => {
    const emoji = `${'a'.repeat(NOTIFICATION_EXCERPT - 1)}😀😀`;
    const cut = excerptOf(emoji);
    expect(cut).toBe(`${'a'.repeat(NOTIFICATION_EXCERPT - 1)}…`);
    for (const text of [emoji, 'x'.repeat(10_000), '\u0000'.repeat(500), '😀'.repeat(300)]) {
      const n = { tag: 't', channelId: 'c', count: 1, content: { sender: 'A', channel: 'B', marking: 'M', excerpt: excerptOf(text) } };
      expect(NoteNotification.safeParse(n).success, text.slice(0, 10)).toBe(true);
    }
  });
});

describe('the words of a notification', () => {
  it('without content says only that notes came, in every language', () => {
    for (const lang of LANGUAGES) {
      const one = notificationText({ tag: 't', channelId: null, count: 1, content: null }, lang);
      const many = notificationText({ tag: 't', channelId: null, count: 7, content: null }, lang);
      for (const t of [one.title, one.body, many.title, many.body]) expect(t.trim().length, lang).toBeGreaterThan(0);
      expect(many.title).toContain('7');
      expect(one.title).not.toBe(many.title);
    }
    expect(notificationText({ tag: 't', channelId: null, count: 1, content: null }, 'fr').title).toBe('Nouvelle note');
  });

  it('with content names the sender, channel and marking, then the excerpt', () => {
    const t = notificationText({ tag: 't', channelId: 'c', count: 1, content: { sender: 'Alex (UK)', channel: 'Cell', marking: 'NATO RESTRICTED', excerpt: 'Hello.' } }, 'en');
    expect(t).toEqual({ title: 'Alex (UK) — Cell', body: 'NATO RESTRICTED\nHello.' });
  });

  it('the schema refuses what main must never send', () => {
    const ok = { tag: 't', channelId: 'c', count: 1, content: null };
    expect(NoteNotification.safeParse(ok).success).toBe(true);
    for (const bad of [
      { ...ok, count: 0 },
      { ...ok, tag: '' },
      { ...ok, tag: 'x'.repeat(65) },
      { ...ok, extra: 1 },
      { ...ok, content: { sender: 'A', channel: 'B', marking: 'M', excerpt: 'y'.repeat(NOTIFICATION_EXCERPT + 2) } },
      { ...ok, content: { sender: 'A', channel: 'B', marking: 'M', excerpt: 'bell\u0007' } },
      { ...ok, content: { sender: 'A', channel: 'B', marking: 'M', excerpt: 'x', body: 'the whole note' } },
    ])
      expect(NoteNotification.safeParse(bad).success, JSON.stringify(bad).slice(0, 60)).toBe(false);
  });
});
