import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../shared/labels/canonical-json';
import { CONTENT_VERSION, MAX_NOTE_TEXT, encodeContent } from '../../../main/messaging/content';
import { receiveEnvelope } from '../../../main/messaging/receive';
import { headerOf, reframe } from './envelope-craft';
import { hostileFixture, hostileTable, type Hostile, type HostileCase } from './hostile-setup';

/**
 * Hostile envelopes, part 2: validly framed and signed notes whose sender, label, content or channel
 * must be refused — what an enrolled but hostile (or compromised) officer's software can send.
 */

const utf8 = (s: string) => new TextEncoder().encode(s);
const NOTE = (text = 'x') => ({ v: CONTENT_VERSION, type: 'note', text });
const ATOMAL = { tagSetId: '1.3.26.1.4.1', tagType: 'restrictive' as const, lacv: 1 };
/** Raw plaintext from `from` (default snd): the content is whatever the test says. */
const raw = (h: Hostile, plaintext: Uint8Array, over: Parameters<Hostile['note']>[0] = {}) => h.note({ plaintext, ...over });
const member = (agency: string, officerId: string) => ({ agency, officerId });

const cases: HostileCase[] = [
  // ---- the sender's credential
  { name: 'sender credential serial not held', code: 'sender_unknown', make: (h) => reframe(h.note(), { header: { ...headerOf(h.note()), sender: { agency: 'uk-demo', officerId: 'snd', serial: 999 } }, signSecret: h.snd.signSecret }) },
  { name: 'sender never heard of', code: 'sender_unknown', make: (h) => reframe(h.note(), { header: { ...headerOf(h.note()), sender: { agency: 'uk-demo', officerId: 'nobody', serial: 101 } }, signSecret: h.snd.signSecret }) },
  { name: 'revoked sender', code: 'credential_revoked', make: (h) => h.note({ from: h.a.get('revoked') }) },
  { name: 'expired sender credential', code: 'credential_expired', make: (h) => h.note({ from: h.a.get('expired') }) },
  { name: 'sender credential not yet valid', code: 'credential_not_yet_valid', make: (h) => h.note({ from: h.a.get('future') }) },
  // ---- the label
  { name: 'label under a policy not loaded', code: 'label_unknown_policy', make: (h) => h.note({ label: { policyId: '2.999.208272260.1', classification: 1, categories: [] } }) },
  { name: 'label invalid under its policy (ATOMAL at RESTRICTED)', code: 'label_invalid', make: (h) => h.note({ label: { policyId: '1.3.26.1.3.1', classification: 2, categories: [ATOMAL] } }) },
  { name: 'label with an unknown classification', code: 'label_invalid', make: (h) => h.note({ label: { policyId: '1.3.26.1.3.1', classification: 9, categories: [] } }) },
  { name: 'sender not cleared for the label', code: 'sender_not_cleared', make: (h) => h.note({ from: h.a.get('lowc'), label: h.label('NATO SECRET REL TO NATO') }) },
  { name: 'no agreement between the agencies', code: 'agreement_missing', make: (h) => h.note({ from: h.a.get('dieter'), label: h.label('NATO RESTRICTED REL TO NATO') }) },
  { name: 'above the agreement ceiling', code: 'agreement_ceiling_exceeded', make: (h) => h.note({ from: h.a.get('italo'), label: h.label('NATO CONFIDENTIAL REL TO NATO') }) },
  { name: 'a category the agreement does not permit', code: 'agreement_ceiling_exceeded', make: (h) => h.note({ from: h.a.get('italo'), label: h.label('NATO RESTRICTED REL TO FRA, ITA') }) },
  { name: 'uncleared recipient addressed anyway (classification)', code: 'recipient_not_cleared', make: (h) => h.note({ from: h.a.get('frhigh'), label: h.label('COSMIC TOP SECRET REL TO NATO') }) },
  { name: 'uncleared recipient addressed anyway (restrictive category)', code: 'recipient_not_cleared', make: (h) => h.note({ from: h.a.get('frhigh'), label: h.label('NATO SECRET ATOMAL REL TO NATO') }) },
  { name: 'uncleared recipient addressed anyway (releasability)', code: 'recipient_not_cleared', make: (h) => h.note({ label: h.label('NATO RESTRICTED REL TO GBR') }) },
  // ---- the content (JSON read after decryption)
  { name: '__proto__ key in a note', code: 'note_content_malformed', make: (h) => raw(h, utf8('{"__proto__":{"admin":true},"text":"x","type":"note","v":1}')) },
  { name: 'constructor key nested in a control note', code: 'note_content_malformed', make: (h) => raw(h, utf8('{"name":"x","op":"rename","type":"control","v":1,"x":{"constructor":{}}}'), { kind: 'control' }) },
  { name: 'prototype key in a member entry', code: 'note_content_malformed', make: (h) => raw(h, utf8(canonicalJson({ v: 1, type: 'control', op: 'remove', removed: [{ agency: 'uk-demo', officerId: 'other', prototype: 1 }] })), { kind: 'control' }) },
  { name: 'content not in canonical form', code: 'note_content_malformed', make: (h) => raw(h, utf8(JSON.stringify(NOTE('spaced'), null, 1))) },
  { name: 'content with an unknown field', code: 'note_content_malformed', make: (h) => raw(h, utf8(canonicalJson({ ...NOTE(), urgent: true }))) },
  { name: 'content of another version', code: 'note_content_malformed', make: (h) => raw(h, utf8(canonicalJson({ ...NOTE(), v: 2 }))) },
  { name: 'content not JSON', code: 'note_content_malformed', make: (h) => raw(h, utf8('just text')) },
  { name: 'content not UTF-8', code: 'note_content_malformed', make: (h) => raw(h, Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d)) },
  { name: 'empty content', code: 'note_content_malformed', make: (h) => raw(h, new Uint8Array(0)) },
  { name: 'empty text', code: 'note_content_malformed', make: (h) => raw(h, utf8(canonicalJson(NOTE('')))) },
  { name: 'text with control characters', code: 'note_content_malformed', make: (h) => raw(h, utf8(canonicalJson(NOTE('bell \u0007')))) },
  { name: 'text longer than a note may be', code: 'note_too_long', make: (h) => raw(h, utf8(canonicalJson(NOTE('é'.repeat(MAX_NOTE_TEXT + 1))))) },
  { name: 'note content in a control envelope', code: 'note_content_malformed', make: (h) => raw(h, encodeContent({ v: CONTENT_VERSION, type: 'note', text: 'x' }), { kind: 'control' }) },
  { name: 'control content in a note envelope', code: 'note_content_malformed', make: (h) => raw(h, encodeContent({ v: CONTENT_VERSION, type: 'control', op: 'rename', name: 'x' })) },
  { name: 'control op unknown', code: 'note_content_malformed', make: (h) => raw(h, utf8(canonicalJson({ v: 1, type: 'control', op: 'delete' })), { kind: 'control' }) },
  { name: 'member list unsorted', code: 'note_content_malformed', make: (h) => raw(h, utf8(canonicalJson({ v: 1, type: 'control', op: 'remove', removed: [member('uk-demo', 'snd'), member('uk-demo', 'other')] })), { kind: 'control' }) },
  // ---- the channel
  { name: 'note for an unknown channel', code: 'channel_unknown', make: (h) => h.note({ channel: 'AAAAAAAAAAAAAAAAAAAAAA' }) },
  { name: 'note from an officer not in the channel', code: 'sender_not_member', make: (h) => h.note({ from: h.a.get('outsider') }) },
  { name: 'rename by a member who is not the administrator', code: 'channel_not_admin', make: (h) => raw(h, encodeContent({ v: CONTENT_VERSION, type: 'control', op: 'rename', name: 'mine' }), { kind: 'control' }) },
  { name: 'create of a channel that exists', code: 'channel_exists', make: (h) => raw(h, encodeContent({ v: CONTENT_VERSION, type: 'control', op: 'create', name: 'again', members: [member('fr-dgsi', 'recv'), member('uk-demo', 'snd')] }), { kind: 'control' }) },
  { name: 'create of a channel without its sender', code: 'note_content_malformed', make: (h) => raw(h, encodeContent({ v: CONTENT_VERSION, type: 'control', op: 'create', name: 'odd', members: [member('fr-dgsi', 'recv'), member('uk-demo', 'other')] }), { kind: 'control', channel: 'BBBBBBBBBBBBBBBBBBBBBA' }) },
  { name: 'removal of the administrator by a member', code: 'channel_not_admin', make: (h) => raw(h, encodeContent({ v: CONTENT_VERSION, type: 'control', op: 'remove', removed: [member('fr-dgsi', 'recv')] }), { kind: 'control' }) },
];

describe('hostile envelopes (sender, label, content, channel)', () => {
  let h: Hostile;
  beforeAll(async () => {
    h = await hostileFixture();
  }, 60_000);
  afterAll(() => h?.a.close());

  hostileTable(() => h, cases);

  it('has the cases the issue lists, and more', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('still accepts what the table perturbs: each hostile sender’s agency, label and content when they are right', () => {
    const accepted = [
      h.note({ from: h.a.get('italo'), label: h.label('NATO RESTRICTED REL TO NATO') }),
      h.note({ from: h.a.get('frhigh'), label: h.label('NATO SECRET REL TO NATO') }),
      h.note({ from: h.a.get('lowc'), label: h.label('NATO RESTRICTED REL TO NATO') }),
      raw(h, utf8(canonicalJson(NOTE('line one\nline two\ttab')))),
    ];
    for (const bytes of accepted) expect(receiveEnvelope(h.recv.ctx, bytes).status).toBe('stored');
  });

  it('reports only events the audit log accepts', () => {
    expect(h.a.checkAudit()).toBeGreaterThan(0);
  });
});
