import { vi } from 'vitest';
import type { CallInput, CallName, CallOutput, EntenteApi } from '../../shared/api/contract';
import type { NoteMeta } from '../../shared/api/notes-schemas';
import type { Settings } from '../../shared/api/settings-schemas';
import { displayDecision, effectiveClearance, type LevelRef } from '../../shared/display';
import { renderLabelMarking } from '../../shared/labels/marking-render';
import type { Label, Policy } from '../../shared/labels/model';
import { compileSpif } from '../../main/policy';
import { shippedPolicyText } from '../../main/policy/shipped';
import { ApiError } from '../../renderer/src/api/client';

/**
 * A fake API for the desk views: one channel of NATO notes, a viewer cleared to CONFIDENTIAL, a
 * workstation ceiling the test can lower. Display decisions use shared/display as main does, and
 * notes.body refuses a note the viewer may not see now, as main would.
 */
export const NATO = compileSpif(shippedPolicyText('nato'));
export const CHANNEL = 'chan-1';
const label = (classification: number): Label => ({ policyId: NATO.id, classification, categories: [] });

export interface FakeState {
  ceiling: LevelRef | null;
  /** Classifications the viewer's credential holds. */
  cleared: number[];
  protection: LevelRef | null;
}

const viewerOf = (state: FakeState) => effectiveClearance(NATO, { standing: 'in_force', credential: { policyId: NATO.id, classifications: state.cleared, categories: [] }, ceiling: state.ceiling, sessionMode: 'normal' });

/** Note `n<i>` of the channel (the higher i, the newer), from Alex, decided for the viewer of `state` now. */
export function noteMeta(state: FakeState, i: number, classification: number): NoteMeta {
  const l = label(classification);
  return {
    noteId: `n${i}`,
    channelId: CHANNEL,
    kind: 'note',
    direction: 'in',
    sender: { agency: 'uk-demo', officerId: 'alex', name: 'Alex Morgan', agencyName: 'UK Liaison Office' },
    sentAt: 1_700_000_000_000 + i * 1000,
    receivedAt: 1_700_000_000_000 + i * 1000,
    read: false,
    label: l,
    marking: renderLabelMarking(NATO, l, { lang: 'en' }),
    classificationName: NATO.classifications.find((c) => c.lacv === classification)?.name ?? '',
    color: NATO.classifications.find((c) => c.lacv === classification)?.color ?? null,
    delivery: null,
    display: displayDecision(NATO, l, viewerOf(state)),
  };
}

export function fakeDesk(state: FakeState, labels: number[] = [1, 2, 3, 4]) {
  const viewer = () => viewerOf(state);
  const meta = (i: number, classification: number): NoteMeta => noteMeta(state, i, classification);
  const notes = () => labels.map((c, i) => meta(i, c)).reverse();
  const settings = (): Settings => ({ language: 'en', ceiling: state.ceiling, sessionMode: 'normal', autoLockMinutes: 10, notificationLevel: null, contentProtectionLevel: state.protection, relayUrl: null });
  const alex = { agency: 'uk-demo', officerId: 'alex', name: 'Alex Morgan', agencyName: 'UK Liaison Office' };
  const jonas = { agency: 'de-demo', officerId: 'jonas', name: 'Jonas Weber', agencyName: 'Verbindungsstelle' };
  const status = { state: 'unlocked' as const, profileId: 'demo:camille', officer: { officerId: 'camille', name: 'Camille Martin', agency: 'fr-demo', clearance: 'NATO CONFIDENTIAL', standing: 'in_force' as const }, autoLockAt: Date.now() + 600_000, autoLockMinutes: 10, relay: null };

  const handlers: { [N in CallName]?: (input: CallInput<N>) => Promise<CallOutput<N>> } = {
    'session.status': async () => status,
    'session.activity': async () => status,
    'profile.lock': async () => ({ state: 'locked' }),
    'display.context': async () => ({ language: 'en', viewer: viewer(), policies: [NATO as Policy] }),
    'settings.get': async () => settings(),
    'settings.set': async (patch) => {
      if (patch.ceiling !== undefined) state.ceiling = patch.ceiling;
      return settings();
    },
    'channels.list': async () => ({
      channels: [{ channelId: CHANNEL, name: 'Liaison cell', admin: { agency: 'fr-demo', officerId: 'camille' }, members: [], unread: 3, lastAt: 1_700_000_000_000, highest: [] }],
    }),
    'notes.page': async () => ({ notes: notes(), next: null, total: labels.length }),
    'notes.body': async ({ noteId }) => {
      const n = notes().find((x) => x.noteId === noteId);
      if (n === undefined) throw new ApiError('note_missing', 'no such note');
      if (!displayDecision(NATO, n.label, viewer()).show) throw new ApiError('note_withheld', 'withheld');
      return { noteId, kind: 'note', body: `Body of ${noteId}` };
    },
    'notes.search': async () => ({ notes: [] }),
    'compose.catalog': async () => ({
      policyId: NATO.id,
      policyName: NATO.name,
      policies: [{ policyId: NATO.id, name: NATO.name }],
      classifications: NATO.classifications.map((c) => ({ lacv: c.lacv, name: c.name, hierarchy: c.hierarchy, color: c.color, names: { en: `NATO ${c.name}`, fr: `NATO ${c.name} (fr)` }, allowed: state.cleared.includes(c.lacv) })),
      categories: [],
    }),
    'compose.preview': async ({ label: l }) => {
      const cls = l.classification;
      const marking = renderLabelMarking(NATO, { ...l, categories: l.categories ?? [] } as Label, { lang: 'en' });
      const above = !state.cleared.includes(cls);
      return {
        marking,
        color: null,
        validation: { valid: true, reasons: [] },
        recipients: {
          eligible: cls <= 2 ? [alex, jonas] : [alex],
          withheld: cls <= 2 ? [] : [{ officer: jonas, reasons: [{ code: 'above_ceiling' as const, message: 'above the ceiling' }] }],
        },
        refusal: above ? { code: 'sender_not_cleared', message: 'not cleared' } : null,
      };
    },
    'compose.send': async () => {
      throw new ApiError('internal', 'not in this test');
    },
  };
  const calls: { name: CallName; input: unknown }[] = [];
  const api = new Proxy({} as EntenteApi, {
    get(_t, name: string) {
      return vi.fn(async (input: unknown) => {
        calls.push({ name: name as CallName, input });
        const h = handlers[name as CallName] as ((i: unknown) => Promise<unknown>) | undefined;
        if (h === undefined) throw new ApiError('unknown_call', `${name} is not faked`);
        return h(input);
      });
    },
  });
  return { api, calls, status, handlers };
}

/**
 * A channel of `size` notes (n0 the oldest, n<size-1> the newest; classification i % 4 + 1) served by
 * cursor as main does: newest first, `next` after the last note of a page, the channel's total. Each
 * page waits for `release()` when `gated`, so a test sees which pages are in flight at once.
 */
export function pagedChannel(state: FakeState, size: number, options: { gated?: boolean } = {}) {
  let count = size;
  const cache = new Map<number, NoteMeta>();
  const note = (i: number) => {
    const held = cache.get(i) ?? noteMeta(state, i, (i % 4) + 1);
    cache.set(i, held);
    return held;
  };
  const requests: CallInput<'notes.page'>[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const waiting: (() => void)[] = [];
  const page = async (input: CallInput<'notes.page'>): Promise<CallOutput<'notes.page'>> => {
    requests.push(input);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (options.gated === true) await new Promise<void>((resolve) => waiting.push(resolve));
      const limit = input.limit ?? 50;
      // The cursor names the last note of the previous page: the next one starts just below it.
      const top = input.before === undefined ? count - 1 : Number(input.before.noteId.slice(1)) - 1;
      const notes = Array.from({ length: Math.max(0, Math.min(limit, top + 1)) }, (_, k) => note(top - k));
      const last = notes.at(-1);
      return { notes, next: last !== undefined && top - notes.length >= 0 ? { sentAt: last.sentAt, noteId: last.noteId } : null, total: count };
    } finally {
      inFlight -= 1;
    }
  };
  const body = async ({ noteId }: CallInput<'notes.body'>): Promise<CallOutput<'notes.body'>> => {
    const i = Number(noteId.slice(1));
    if (!(i >= 0 && i < count)) throw new ApiError('note_missing', 'no such note');
    if (!displayDecision(NATO, note(i).label, viewerOf(state)).show) throw new ApiError('note_withheld', 'withheld');
    return { noteId, kind: 'note', body: `Body of ${noteId}` };
  };
  return {
    page,
    body,
    requests,
    /** Older pages asked for (with a cursor). */
    older: () => requests.filter((r) => r.before !== undefined),
    maxInFlight: () => maxInFlight,
    inFlight: () => inFlight,
    /** Lets the oldest waiting page answer. */
    release: () => waiting.shift()?.(),
    waiting: () => waiting.length,
    /** New notes arrive at the top of the channel. */
    arrive: (n: number) => {
      count += n;
    },
  };
}

/** partners.list as main answers it: Alex (can receive notes) and Jonas (keys changed, cannot). */
export function partnersList(): CallOutput<'partners.list'> {
  const officer = (agency: string, officerId: string, name: string, sendable: boolean) => ({
    agency,
    officerId,
    name,
    nationality: agency.slice(0, 2).toUpperCase(),
    serial: 1,
    clearance: 'NATO SECRET',
    standing: 'in_force' as const,
    safetyNumber: Array.from({ length: 12 }, () => '12345'),
    verified: sendable,
    keyChanged: !sendable,
    sendable,
  });
  const agency = (id: string, name: string) => ({ id, name, country: id.slice(0, 2).toUpperCase(), fingerprint: 'AB CD', policies: [NATO.id], own: false });
  return {
    agencies: [agency('uk-demo', 'UK Liaison Office'), agency('de-demo', 'Verbindungsstelle')],
    agreements: [],
    officers: [officer('uk-demo', 'alex', 'Alex Morgan', true), officer('de-demo', 'jonas', 'Jonas Weber', false)],
  };
}
