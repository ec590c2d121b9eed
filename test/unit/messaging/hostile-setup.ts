import { expect, it } from 'vitest';
import type { ErrorCode } from '../../../shared/errors';
import { createChannel } from '../../../main/messaging/channels';
import { CONTENT_VERSION, encodeContent } from '../../../main/messaging/content';
import { receiveEnvelope } from '../../../main/messaging/receive';
import type { Label } from '../../../main/policy';
import { FRA, GBR, REL_NATO, ITA, T0, buildAlliance, sealAs, storeSnapshot, type Alliance, type Member, type SealAs, type WithProfile } from '../../helpers/alliance';

/**
 * The shared fixture of the hostile-input tables: one receiving profile (recv, fr-dgsi, cleared to
 * NATO SECRET for FRA and NATO) in a channel it administers, whose members include a legitimate uk
 * sender with a profile and senders that exist only as keys: not cleared, revoked, expired, not yet
 * valid, from an agency without agreement, from one whose agreement stops at RESTRICTED, and a
 * same-agency officer cleared above recv. Each case builds its bytes, then the table asserts the
 * rejection code, that the note store did not change, the audit entry, and that the next valid note
 * is still accepted.
 */

export interface Hostile {
  a: Alliance;
  recv: WithProfile;
  snd: WithProfile;
  channelId: string;
  nextSeq: () => number;
  /** A valid note from `from` (default snd) to recv, with overrides. */
  note: (over?: Partial<SealAs> & { from?: Member; text?: string }) => Uint8Array;
  label: (marking: string) => Label;
}

export async function hostileFixture(): Promise<Hostile> {
  const a = await buildAlliance(
    [
      { agency: 'fr-dgsi', officerId: 'recv', classifications: [1, 2, 3, 4], categories: [FRA, REL_NATO] },
      { agency: 'uk-demo', officerId: 'snd', classifications: [1, 2, 3, 4], categories: [GBR, REL_NATO] },
      { agency: 'uk-demo', officerId: 'other', classifications: [1, 2, 3, 4], categories: [GBR, REL_NATO] },
      { agency: 'uk-demo', officerId: 'lowc', classifications: [1, 2], categories: [GBR, REL_NATO], profile: false },
      { agency: 'uk-demo', officerId: 'revoked', classifications: [1, 2, 3, 4], profile: false, revoked: true },
      { agency: 'uk-demo', officerId: 'expired', classifications: [1, 2, 3, 4], profile: false, notBefore: '2026-01-01T00:00:00Z', notAfter: '2026-05-01T00:00:00Z' },
      { agency: 'uk-demo', officerId: 'future', classifications: [1, 2, 3, 4], profile: false, notBefore: '2026-07-01T00:00:00Z', notAfter: '2027-07-01T00:00:00Z' },
      { agency: 'uk-demo', officerId: 'outsider', classifications: [1, 2, 3, 4], profile: false },
      { agency: 'de-demo', officerId: 'dieter', classifications: [1, 2, 3, 4], categories: [REL_NATO], profile: false },
      { agency: 'it-demo', officerId: 'italo', classifications: [1, 2, 3, 4], categories: [ITA, REL_NATO], profile: false },
      { agency: 'fr-dgsi', officerId: 'frhigh', classifications: [1, 2, 3, 4, 5], categories: [FRA, REL_NATO, { tagSetId: '1.3.26.1.4.1', tagType: 'restrictive', lacv: 1 }], profile: false },
    ],
    [
      { between: ['fr-dgsi', 'uk-demo'], ceiling: 4, categories: [FRA, GBR, REL_NATO] },
      { between: ['fr-dgsi', 'it-demo'], ceiling: 2, categories: [FRA, REL_NATO] },
    ],
  );
  const recv = a.p('recv');
  const snd = a.p('snd');
  const members = ['snd', 'other', 'lowc', 'revoked', 'expired', 'future', 'dieter', 'italo', 'frhigh'].map((id) => a.get(id));
  const created = createChannel(recv.ctx, { name: 'Hostile', members });
  expect(receiveEnvelope(snd.ctx, created.envelope).status).toBe('stored');
  let seq = 100;
  const nextSeq = () => seq++;
  const note: Hostile['note'] = (over = {}) => {
    const { from = snd, text = 'a valid note', ...rest } = over;
    return sealAs(from, {
      channel: created.channelId,
      to: [recv],
      label: a.label('NATO RESTRICTED REL TO FRA, GBR'),
      plaintext: encodeContent({ v: CONTENT_VERSION, type: 'note', text }),
      seq: nextSeq(),
      time: a.clock.t,
      ...rest,
    });
  };
  return { a, recv, snd, channelId: created.channelId, nextSeq, note, label: (m) => a.label(m) };
}

export interface HostileCase {
  name: string;
  code: ErrorCode;
  /** Builds the hostile bytes; may deliver valid notes first (replays), which count as "before". */
  make: (h: Hostile) => Uint8Array;
}

/** Registers one test per case; `fixture` is read when the tests run (after beforeAll). */
export function hostileTable(fixture: () => Hostile, cases: readonly HostileCase[]): void {
  for (const c of cases) {
    it(`${c.name} → ${c.code}`, () => {
      const h = fixture();
      h.a.clock.t = T0;
      const bytes = c.make(h);
      const before = storeSnapshot(h.recv.profile);
      const events = h.recv.audit.events.length;
      const result = receiveEnvelope(h.recv.ctx, bytes);
      expect(result).toMatchObject({ status: 'rejected', code: c.code });
      expect(storeSnapshot(h.recv.profile)).toBe(before);
      expect(h.recv.audit.events.slice(events)).toEqual([expect.objectContaining({ type: 'note_rejected', outcome: 'refused', code: c.code })]);
      // Processing continues: the next valid note is accepted.
      const next = receiveEnvelope(h.recv.ctx, h.note({ text: `after ${c.name}` }));
      expect(next).toMatchObject({ status: 'stored', note: { body: `after ${c.name}` } });
    });
  }
}
