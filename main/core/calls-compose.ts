import type { z } from 'zod';
import type { ComposeCatalog, ComposeCatalogInput, ComposePreview, ComposePreviewInput, ComposeSend, ComposeSendInput, RecipientsPreview } from '../../shared/api/compose-schemas';
import { EntenteError } from '../../shared/errors';
import { markingTables } from '../../shared/labels/marking-tables';
import { renderLabelMarking } from '../../shared/labels/marking-render';
import { normalizeLabel, type Label, type Policy } from '../../shared/labels/model';
import { viewOf, refKey } from '../../shared/labels/policy-view';
import { validateLabel } from '../../shared/labels/validate';
import { previewRecipients, sendNote, type RecipientPreview } from '../messaging';
import type { Core } from './core';
import { Markings, Names, noteMeta } from './note-view';
import type { OpenSession } from './session';
import { viewerOf, type Viewer } from './viewer';

/**
 * Compose and send. The label is built from the policy's catalog (no default: the officer chooses),
 * previewed live (marking, who gets a key, who is withheld and why), and refused with its reason when
 * it exceeds the officer's clearance on this workstation, an agreement ceiling, or reaches nobody.
 */

type Catalog = z.infer<typeof ComposeCatalog>;

const phrase = (text: string | undefined, fallback: string): string => (text === undefined || text === '' ? fallback : text).slice(0, 1024);

export async function composeCatalog(core: Core, input: z.infer<typeof ComposeCatalogInput>): Promise<Catalog> {
  const s = await core.sessions.require();
  const viewer = viewerOf(s, core.lang());
  const registry = s.ctx.registry;
  const policyId = input.policyId ?? viewer.credential?.body.clearance.policyId ?? registry.list()[0]?.id;
  const policy = policyId === undefined ? undefined : registry.get(policyId);
  if (policy === undefined) throw new EntenteError('label_unknown_policy', 'That policy is not loaded in this profile.');
  const view = viewOf(policy);
  const en = markingTables(policy, 'en', 'pageBottom');
  const fr = markingTables(policy, 'fr', 'pageBottom');
  const cleared = viewer.effective.clearance?.policyId === policy.id ? new Set(viewer.effective.clearance.classifications) : new Set<number>();
  const held = new Set((viewer.credential?.body.clearance.policyId === policy.id ? viewer.credential.body.clearance.categories : []).map(refKey));
  return {
    policyId: policy.id,
    policyName: policy.name,
    policies: registry.list().slice(0, 64).map((p) => ({ policyId: p.id, name: p.name })),
    classifications: view.classes
      .filter((c) => !c.cls.obsolete)
      .map(({ cls }) => ({
        lacv: cls.lacv,
        name: cls.name,
        hierarchy: cls.hierarchy,
        color: cls.color,
        names: { en: phrase(en.classes.get(cls.lacv)?.phrase, cls.name), fr: phrase(fr.classes.get(cls.lacv)?.phrase, cls.name) },
        allowed: cleared.has(cls.lacv),
      })),
    categories: view.categories
      .filter((c) => !c.category.obsolete)
      .slice(0, 4096)
      .map((c) => ({
        ref: c.ref,
        tagSetName: c.tagSet.name,
        tagType: c.ref.tagType,
        name: c.category.name,
        names: { en: phrase(en.categories[c.index]?.phrase, c.category.name), fr: phrase(fr.categories[c.index]?.phrase, c.category.name) },
        held: held.has(refKey(c.ref)),
      })),
  };
}

interface Plan {
  label: Label;
  policy: Policy | undefined;
  recipients: RecipientPreview | null;
  refusal: EntenteError | null;
  /** The refusal was decided here (a cap, the ceilings, nobody) rather than by the messaging layer. */
  decidedHere: boolean;
}

const isCap = (code: string) => code === 'above_workstation_ceiling' || code === 'above_session_mode';

/**
 * What sending `label` to the channel would do now, and the refusal if it would not send. The
 * workstation counts like the credential: a note this workstation may not show may not be written here.
 */
function plan(s: OpenSession, viewer: Viewer, channelId: string, input: Label): Plan {
  const label = normalizeLabel(input);
  const policy = s.ctx.registry.get(label.policyId);
  let recipients: RecipientPreview;
  try {
    recipients = previewRecipients(s.ctx, channelId, label);
  } catch (err) {
    // The officer's own problems (label, clearance, credential, channel) are answers, not failures.
    if (!(err instanceof EntenteError) || err.code === 'profile_locked' || err.code.startsWith('database_')) throw err;
    return { label, policy, recipients: null, refusal: err, decidedHere: false };
  }
  const refuse = (refusal: EntenteError): Plan => ({ label, policy, recipients, refusal, decidedHere: true });
  const shown = viewer.decide(label);
  if (!shown.show) {
    const capped = shown.reasons.find((r) => isCap(r.code));
    return refuse(new EntenteError('sender_not_cleared', capped !== undefined ? `this label is ${capped.message}; it may not be written here` : 'you are not cleared for this label here'));
  }
  if (recipients.eligible.length === 0) {
    const byCeiling = recipients.withheld.length > 0 && recipients.withheld.every((w) => w.reasons.some((r) => r.code === 'above_ceiling'));
    return refuse(
      byCeiling
        ? new EntenteError('agreement_ceiling_exceeded', 'this label is above the ceiling of the sharing agreements with every other member')
        : new EntenteError('no_eligible_recipient', recipients.withheld.length === 0 ? 'the channel has no other member' : 'nobody in the channel may receive a note with this label'),
    );
  }
  return { label, policy, recipients, refusal: null, decidedHere: false };
}

function namedRecipients(names: Names, r: RecipientPreview | null): z.infer<typeof RecipientsPreview> {
  if (r === null) return { eligible: [], withheld: [] };
  return {
    eligible: r.eligible.slice(0, 256).map((o) => names.officer(o)),
    withheld: r.withheld.slice(0, 256).map((w) => ({ officer: names.officer(w.officer), reasons: w.reasons.slice(0, 64) })),
  };
}

const problemOf = (err: EntenteError) => ({ code: err.code, message: err.message.slice(0, 500) });

export async function composePreview(core: Core, input: z.infer<typeof ComposePreviewInput>): Promise<z.infer<typeof ComposePreview>> {
  const s = await core.sessions.require();
  const viewer = viewerOf(s, core.lang());
  const p = plan(s, viewer, input.channelId, input.label);
  let marking: string | null = null;
  let color: string | null = null;
  let validation: z.infer<typeof ComposePreview>['validation'] = { valid: false, reasons: [{ code: 'unknown_policy', message: `policy ${p.label.policyId} is not loaded`, policyId: p.label.policyId.slice(0, 200) }] };
  if (p.policy !== undefined) {
    const v = validateLabel(p.policy, p.label);
    validation = { valid: v.valid, reasons: v.reasons.slice(0, 64) };
    color = viewOf(p.policy).classByLacv.get(p.label.classification)?.cls.color ?? null;
    try {
      marking = renderLabelMarking(p.policy, p.label, { lang: viewer.lang }).slice(0, 4096);
    } catch {
      marking = null;
    }
  }
  return { marking, color, validation, recipients: namedRecipients(new Names(s.ctx), p.recipients), refusal: p.refusal === null ? null : problemOf(p.refusal) };
}

export async function composeSend(core: Core, input: z.infer<typeof ComposeSendInput>): Promise<z.infer<typeof ComposeSend>> {
  const s = await core.sessions.require();
  const viewer = viewerOf(s, core.lang());
  const p = plan(s, viewer, input.channelId, input.label);
  if (p.refusal !== null) {
    // Refusals decided here are recorded here, as the send pipeline records those it decides.
    if (p.decidedHere) {
      s.ctx.audit.record({ type: 'note_sealed', outcome: 'refused', actor: 'self', channel: input.channelId, label: p.label, code: p.refusal.code, details: { kind: 'note' } });
    }
    throw p.refusal;
  }
  const sent = sendNote(s.ctx, { channelId: input.channelId, label: p.label, text: input.text });
  // Sent now when a relay session runs; otherwise it waits in the outbox for the next one.
  void s.syncSession?.flush().catch(() => undefined);
  const names = new Names(s.ctx);
  return {
    note: noteMeta(s.ctx, sent.note, viewer, names, new Markings(viewer)),
    recipients: namedRecipients(names, { eligible: sent.eligible, withheld: sent.withheld }),
    queued: true,
  };
}
