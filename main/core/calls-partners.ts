import type { z } from 'zod';
import type { PartnerOfficer, PartnersList, PartnersVerifyInput } from '../../shared/api/partners-schemas';
import { bannerLevel, type CredentialStanding } from '../../shared/display';
import { EntenteError } from '../../shared/errors';
import { renderClearanceMarking, renderLabelMarking } from '../../shared/labels/marking-render';
import { agencyFingerprint, hexGroups } from '../trust/fingerprint';
import type { CredentialBody } from '../trust/objects';
import { markVerified, peerStatus } from '../trust/peers';
import { credentialStanding } from '../trust/share';
import type { Signed } from '../trust/signed';
import { validityAt } from '../trust/verify';
import type { Core } from './core';
import type { OpenSession } from './session';
import { viewerOf, type Viewer } from './viewer';

/**
 * Partners: the agencies pinned here, the sharing agreements with their ceilings, and the other
 * officers with their safety numbers. A key change clears an officer's verified mark and withholds
 * notes from them (recipient selection) until the officers compare the new number: partners.verify.
 */

type Officer = z.infer<typeof PartnerOfficer>;

const marking = (render: () => string): string | null => {
  try {
    return render().slice(0, 4096);
  } catch {
    return null;
  }
};

/** The credential that speaks for an officer, as recipient selection picks it: the newest in force, else the newest. */
function speaking(held: Signed<CredentialBody>[], s: OpenSession, now: number): Signed<CredentialBody> | undefined {
  const share = { now, isRevoked: s.ctx.trust.revocationCheck() };
  const sorted = [...held].sort((x, y) => Date.parse(y.body.notBefore) - Date.parse(x.body.notBefore) || y.body.serial - x.body.serial);
  return sorted.find((c) => credentialStanding(c, share).length === 0) ?? sorted[0];
}

function officerView(s: OpenSession, viewer: Viewer, c: Signed<CredentialBody>, now: number): Officer | null {
  const b = c.body;
  let status;
  try {
    status = peerStatus(s.profile.db, s.ctx.identity, b.agency, b.officerId);
  } catch (err) {
    if (err instanceof EntenteError && err.code === 'peer_unknown') return null;
    throw err;
  }
  const problems = credentialStanding(c, { now, isRevoked: s.ctx.trust.revocationCheck() });
  const standing: CredentialStanding = problems.find((p) => p.code === 'credential_revoked')?.code ?? problems[0]?.code ?? 'in_force';
  const policy = viewer.policyOf(b.clearance.policyId);
  return {
    agency: b.agency,
    officerId: b.officerId,
    name: b.name,
    nationality: b.nationality,
    serial: b.serial,
    clearance: policy === undefined ? null : marking(() => renderClearanceMarking(policy, b.clearance, { lang: viewer.lang })),
    standing,
    safetyNumber: status.safetyNumber,
    verified: status.verified,
    keyChanged: status.keyChanged,
    sendable: status.sendable,
  };
}

export async function partnersList(core: Core): Promise<z.infer<typeof PartnersList>> {
  const s = await core.sessions.require();
  const viewer = viewerOf(s, core.lang());
  const now = core.now();
  const trust = s.ctx.trust;
  const ownAgency = viewer.credential?.body.agency ?? trust.credentials({ own: true })[0]?.body.agency ?? null;
  const agencies = trust.agencies().map((a) => ({
    id: a.id,
    name: a.card.body.name,
    country: a.card.body.country,
    fingerprint: hexGroups(agencyFingerprint(a.card.body)),
    policies: a.card.body.policies,
    own: a.id === ownAgency,
  }));
  const agreements = trust.agreements().map((a) => {
    const b = a.body;
    const policy = viewer.policyOf(b.policy);
    const complete = a.sigs.proposer !== undefined && a.sigs.partner !== undefined;
    const validity = validityAt(b, now);
    return {
      id: b.id,
      proposer: b.proposer,
      partner: b.partner,
      policyId: b.policy,
      policyName: policy?.name ?? null,
      ceiling: policy === undefined ? null : (bannerLevel(policy, b.ceiling, viewer.lang) ?? null),
      ceilingMarking: policy === undefined ? null : marking(() => renderLabelMarking(policy, { policyId: b.policy, classification: b.ceiling, categories: b.categories }, { lang: viewer.lang })),
      notBefore: b.notBefore,
      notAfter: b.notAfter,
      state: !complete ? ('incomplete' as const) : validity === 'valid' ? ('in_force' as const) : validity,
    };
  });
  const byOfficer = new Map<string, Signed<CredentialBody>[]>();
  for (const c of trust.credentials({ own: false })) {
    const key = `${c.body.agency}/${c.body.officerId}`;
    byOfficer.set(key, [...(byOfficer.get(key) ?? []), c]);
  }
  const officers: Officer[] = [];
  for (const held of byOfficer.values()) {
    const c = speaking(held, s, now);
    const view = c === undefined ? null : officerView(s, viewer, c, now);
    if (view !== null) officers.push(view);
  }
  officers.sort((x, y) => (`${x.agency}/${x.officerId}` < `${y.agency}/${y.officerId}` ? -1 : 1));
  return { agencies, agreements, officers };
}

export async function partnersVerify(core: Core, input: z.infer<typeof PartnersVerifyInput>): Promise<Officer> {
  const s = await core.sessions.require();
  const now = core.now();
  markVerified(s.profile.db, s.ctx.identity, input.agency, input.officerId, input.safetyNumber, now, s.ctx.audit);
  const c = speaking(s.ctx.trust.credentials({ own: false, agency: input.agency, officerId: input.officerId }), s, now);
  const view = c === undefined ? null : officerView(s, viewerOf(s, core.lang()), c, now);
  if (view === null) throw new EntenteError('peer_unknown', 'There is no credential of that officer in this profile.');
  return view;
}
