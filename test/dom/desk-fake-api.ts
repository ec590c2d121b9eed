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

export function fakeDesk(state: FakeState, labels: number[] = [1, 2, 3, 4]) {
  const viewer = () => effectiveClearance(NATO, { standing: 'in_force', credential: { policyId: NATO.id, classifications: state.cleared, categories: [] }, ceiling: state.ceiling, sessionMode: 'normal' });
  const meta = (i: number, classification: number): NoteMeta => {
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
      display: displayDecision(NATO, l, viewer()),
    };
  };
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
