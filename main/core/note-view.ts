import type { z } from 'zod';
import type { OfficerView } from '../../shared/api/fields';
import type { NoteMeta } from '../../shared/api/notes-schemas';
import type { Label } from '../../shared/labels/model';
import { viewOf } from '../../shared/labels/policy-view';
import { renderLabelMarking } from '../../shared/labels/marking-render';
import type { MessagingContext } from '../messaging';
import type { NoteRecord, Receipt } from '../store/note-store';
import type { Viewer } from './viewer';

/**
 * A stored note as the renderer may see it: everything but the body. The display decision comes from
 * the viewer of this call; the body stays in main until notes.body decides again.
 */

type DeliveryState = 'queued' | 'stored' | 'delivered';
const ORDER: Record<DeliveryState, number> = { queued: 0, stored: 1, delivered: 2 };

/** Names of officers and agencies as this profile holds them, looked up once per call. */
export class Names {
  readonly #ctx: MessagingContext;
  readonly #officers = new Map<string, string | null>();
  readonly #agencies = new Map<string, string | null>();

  constructor(ctx: MessagingContext) {
    this.#ctx = ctx;
  }

  officer(o: { agency: string; officerId: string }): z.infer<typeof OfficerView> {
    const key = `${o.agency}/${o.officerId}`;
    let name = this.#officers.get(key);
    if (name === undefined) {
      name = this.#ctx.trust.credentials({ agency: o.agency, officerId: o.officerId })[0]?.body.name ?? null;
      this.#officers.set(key, name);
    }
    return { agency: o.agency, officerId: o.officerId, name, agencyName: this.agency(o.agency) };
  }

  agency(id: string): string | null {
    let name = this.#agencies.get(id);
    if (name === undefined) {
      name = this.#ctx.trust.agency(id)?.card.body.name ?? null;
      this.#agencies.set(id, name);
    }
    return name;
  }
}

/** Markings and classification texts, rendered once per distinct label of a call. */
export class Markings {
  readonly #viewer: Viewer;
  readonly #cache = new Map<string, { marking: string; classificationName: string; color: string | null }>();

  constructor(viewer: Viewer) {
    this.#viewer = viewer;
  }

  of(label: Label, key = JSON.stringify(label)): { marking: string; classificationName: string; color: string | null } {
    let m = this.#cache.get(key);
    if (m === undefined) {
      m = render(this.#viewer, label);
      this.#cache.set(key, m);
    }
    return m;
  }
}

function render(viewer: Viewer, label: Label): { marking: string; classificationName: string; color: string | null } {
  const policy = viewer.policyOf(label.policyId);
  const cls = policy === undefined ? undefined : viewOf(policy).classByLacv.get(label.classification);
  let marking: string;
  try {
    marking = policy === undefined ? `(policy ${label.policyId}, classification ${label.classification})` : renderLabelMarking(policy, label, { lang: viewer.lang });
  } catch {
    // A label its own policy cannot render is shown by its numbers, never by guessed words.
    marking = `(${policy?.name ?? label.policyId}, classification ${label.classification})`;
  }
  return { marking: marking.slice(0, 4096), classificationName: cls?.cls.name ?? String(label.classification), color: cls?.cls.color ?? null };
}

export function deliveryOf(receipts: readonly Receipt[]): NoteMeta['delivery'] {
  if (receipts.length === 0) return { state: 'queued', recipients: [] };
  const recipients = receipts.slice(0, 256).map((r) => ({ agency: r.agency, officerId: r.officerId, state: r.state }));
  const state = recipients.reduce<DeliveryState>((low, r) => (ORDER[r.state] < ORDER[low] ? r.state : low), 'delivered');
  return { state, recipients };
}

export function noteMeta(ctx: MessagingContext, note: NoteRecord, viewer: Viewer, names: Names, markings: Markings): NoteMeta {
  const m = markings.of(note.label, note.labelJson);
  return {
    noteId: note.noteId,
    channelId: note.channelId,
    kind: note.kind,
    direction: note.direction,
    sender: names.officer(note.sender),
    sentAt: note.sentAt,
    receivedAt: note.receivedAt,
    read: note.read,
    label: note.label,
    marking: m.marking,
    classificationName: m.classificationName,
    color: m.color,
    delivery: note.direction === 'out' ? deliveryOf(ctx.notes.receipts(note.noteId)) : null,
    display: viewer.decide(note.label),
  };
}
