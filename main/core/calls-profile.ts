import type { z } from 'zod';
import type { EnrolmentRequestOutput, ImportFileResult, ProfileCreateInput, ProfileImportInput, ProfileImportOutput, ProfileUnlockInput, ProfilesList, SessionStatus } from '../../shared/api/session-schemas';
import { EntenteError } from '../../shared/errors';
import { renderClearanceMarking } from '../../shared/labels/marking-render';
import { sodiumReady, wipe } from '../crypto/sodium';
import { createProfile, openKeystore } from '../identity/keystore';
import { createIdentity, enrolmentFingerprint, enrolmentRequest } from '../identity/officer';
import { passphraseBytes } from '../identity/passphrase';
import { rotatePrekeys } from '../identity/prekeys';
import type { Profile } from '../identity/profile';
import { writeFileAtomic } from '../store/atomic-file';
import { hexGroups } from '../trust/fingerprint';
import { importFiles, kindOf, type ImportFile } from '../trust/import';
import { encodeSigned } from '../trust/signed';
import type { Core } from './core';
import { exportPath, stampedName } from './exports';
import { findProfile, listProfiles, newProfileDir } from './profiles';
import { OpenSession } from './session';
import { credentialNow } from './viewer';

/** Profiles and the session: list, create, unlock, lock, status, enrolment request, import. */

type Status = z.infer<typeof SessionStatus>;

export async function profilesList(core: Core): Promise<z.infer<typeof ProfilesList>> {
  const open = (await core.sessions.current())?.profileId ?? null;
  const profiles = listProfiles(core.dataDir, core.demoDir).map(({ dir: _dir, ...p }) => ({ ...p, unlocked: p.id === open }));
  return { profiles };
}

export async function sessionStatus(core: Core): Promise<Status> {
  const s = await core.sessions.current();
  if (s === null) return { state: 'locked' };
  const { credential, standing } = credentialNow(s);
  const latest = credential ?? s.ctx.trust.credentials({ own: true })[0] ?? null;
  let clearance: string | null = null;
  if (latest !== null) {
    const policy = s.ctx.registry.get(latest.body.clearance.policyId);
    try {
      clearance = policy === undefined ? null : renderClearanceMarking(policy, latest.body.clearance, { lang: core.lang() }).slice(0, 4096);
    } catch {
      clearance = null;
    }
  }
  const settings = s.settings;
  return {
    state: 'unlocked',
    profileId: s.profileId,
    officer: { officerId: s.ctx.identity.officerId, name: s.ctx.identity.name, agency: latest?.body.agency ?? null, clearance, standing },
    autoLockAt: s.autoLockAt,
    autoLockMinutes: settings.autoLockMinutes,
    relay: s.relay,
  };
}

export async function sessionActivity(core: Core): Promise<Status> {
  const s = await core.sessions.current();
  if (s !== null) {
    s.touch();
    core.sessions.arm();
  }
  return sessionStatus(core);
}

/**
 * Opens a profile as the session, alone (serialised). Exactly one profile is ever unlocked: the one
 * open is locked first when it is the same profile, else once the new one opened, so a mistyped
 * passphrase for another profile leaves the open one as it was.
 */
async function openAs(core: Core, profileId: string, open: () => Promise<Profile>): Promise<void> {
  await core.sessions.serialised(async () => {
    if (core.sessions.peek()?.profileId === profileId) await core.sessions.closeCurrent();
    const profile = await open();
    let session: OpenSession;
    try {
      await core.sessions.closeCurrent();
      session = new OpenSession(profile, { profileId, fallbackSpifs: core.fallbackSpifs, now: core.now, log: core.log, defaultRelayUrl: core.defaultRelayUrl, sync: core.sync, events: core.events, lang: () => core.lang() });
    } catch (err) {
      profile.lock();
      throw err;
    }
    core.sessions.adopt(session);
    session.refreshSync();
  });
}

const warn = (core: Core) => (m: string) => core.log('profile_warning', { message: m.slice(0, 300) });

export async function profileUnlock(core: Core, input: z.infer<typeof ProfileUnlockInput>): Promise<Status> {
  await sodiumReady();
  const entry = findProfile(core.dataDir, core.demoDir, input.profileId);
  await openAs(core, entry.id, async () => {
    const passphrase = passphraseBytes(input.passphrase);
    try {
      return await openKeystore(entry.dir, { derive: core.derive, onWarning: warn(core) }).unlock(passphrase);
    } finally {
      wipe(passphrase);
    }
  });
  return sessionStatus(core);
}

export async function profileCreate(core: Core, input: z.infer<typeof ProfileCreateInput>): Promise<Status> {
  await sodiumReady();
  const { id, dir } = newProfileDir(core.dataDir, input.officerId);
  await openAs(core, id, async () => {
    const passphrase = passphraseBytes(input.passphrase);
    let profile: Profile;
    try {
      profile = await createProfile(dir, passphrase, { kdf: core.kdf, derive: core.derive, onWarning: warn(core) });
    } finally {
      wipe(passphrase);
    }
    try {
      createIdentity(profile, input.officerId, input.name.normalize('NFC'), core.now());
    } catch (err) {
      profile.lock();
      throw err;
    }
    return profile;
  });
  return sessionStatus(core);
}

export async function profileLock(core: Core): Promise<Status> {
  await core.sessions.serialised(() => core.sessions.closeCurrent());
  return { state: 'locked' };
}

export async function profileEnrolmentRequest(core: Core): Promise<z.infer<typeof EnrolmentRequestOutput>> {
  const s = await core.sessions.require();
  const identity = s.ctx.identity;
  const now = core.now();
  const file = exportPath(core.dataDir, stampedName(`enrolment-${identity.officerId}`, now, '.json'));
  const request = enrolmentRequest(identity, now, s.profile.audit);
  const content = encodeSigned(request);
  try {
    writeFileAtomic(file, content, 0o600);
  } catch (err) {
    throw new EntenteError('file_unwritable', 'The enrolment request could not be written to the exports folder.', { cause: err });
  }
  return { officerId: identity.officerId, content, fingerprint: hexGroups(enrolmentFingerprint(request.body)), file };
}

/** Imports run in this order, so a partner's card verifies the credentials that come with it. */
const ORDER = ['policy', 'agency-card', 'revocation-list', 'credential', 'agreement'];

const problem = (err: EntenteError) => ({ code: err.code, message: err.message.slice(0, 500) });

/**
 * Each file on its own (so one bad file does not refuse the others), in the order above. A file that
 * fails says why with its code; the audit history records it as `profile import` does.
 */
export async function profileImport(core: Core, input: z.infer<typeof ProfileImportInput>): Promise<z.infer<typeof ProfileImportOutput>> {
  const s = await core.sessions.require();
  await sodiumReady();
  const files: ImportFile[] = input.files.map((f) => ({ name: f.name, bytes: new Uint8Array(Buffer.from(f.data, 'base64')) }));
  const rank = (f: ImportFile): number => {
    try {
      return ORDER.indexOf(kindOf(f));
    } catch {
      return -1;
    }
  };
  const order = files.map((f, i) => ({ f, i, r: rank(f) })).sort((a, b) => a.r - b.r || a.i - b.i);
  const results: ImportFileResult[] = new Array<ImportFileResult>(files.length);
  let imported = 0;
  for (const { f, i } of order) {
    try {
      const [r] = importFiles(s.profile, s.ctx.identity, [f], { now: core.now(), fallbackSpifs: core.fallbackSpifs });
      if (r === undefined) throw new EntenteError('internal', 'the import gave no result');
      results[i] = { ok: true, name: f.name, kind: r.kind as Extract<ImportFileResult, { ok: true }>['kind'], subject: r.subject.slice(0, 1024), outcome: r.outcome, ...(r.fingerprint === undefined ? {} : { fingerprint: r.fingerprint }), ...(r.keyChanged === undefined ? {} : { keyChanged: r.keyChanged }) };
      imported += 1;
    } catch (err) {
      if (!(err instanceof EntenteError) || err.code === 'profile_locked' || err.code.startsWith('database_')) throw err;
      results[i] = { ok: false, name: f.name, error: problem(err) };
    }
  }
  if (imported > 0) {
    const own = s.ctx.trust.ownCredential(core.now());
    // With a credential in force the profile can publish signed prekeys: keep them on schedule.
    if (own !== undefined) rotatePrekeys(s.profile, s.ctx.identity, own, core.now());
    s.rebuildContext();
  }
  return { results, imported, session: await sessionStatus(core) };
}
