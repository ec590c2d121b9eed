import type { z } from 'zod';
import type { Settings, SettingsPatch } from '../../shared/api/settings-schemas';
import type { LevelRef } from '../../shared/display';
import { EntenteError } from '../../shared/errors';
import { viewOf } from '../../shared/labels/policy-view';
import type { AuditDetail } from '../audit/sink';
import type { Core } from './core';
import type { OpenSession } from './session';
import { writeSettings, type ProfileSettings } from './settings-store';

/**
 * Settings of the unlocked profile. A change is stored and recorded (`settings_changed`, naming what
 * changed and the new values: levels, modes, minutes — the relay URL only as set or not) in one
 * transaction, and takes effect at once: the next call computes the viewer from it, so lowering the
 * ceiling turns shown notes into redaction cards on the next page the renderer asks for.
 */

type Out = z.infer<typeof Settings>;

function current(core: Core, s: OpenSession): Out {
  return { language: core.lang(), ...s.settings };
}

export async function settingsGet(core: Core): Promise<Out> {
  return current(core, await core.sessions.require());
}

/** A level must name a classification of a policy loaded here (label_unknown_policy / label_invalid). */
function checkLevel(s: OpenSession, level: LevelRef | null | undefined): void {
  if (level === null || level === undefined) return;
  const policy = s.ctx.registry.get(level.policyId);
  if (policy === undefined) throw new EntenteError('label_unknown_policy', 'That policy is not loaded in this profile.');
  if (!viewOf(policy).classByLacv.has(level.classification)) throw new EntenteError('label_invalid', `${policy.name} has no such classification.`);
}

const levelText = (l: LevelRef | null): string => (l === null ? 'none' : `${l.policyId}/${l.classification}`);

function detail(key: keyof ProfileSettings, s: ProfileSettings): AuditDetail {
  switch (key) {
    case 'ceiling':
    case 'notificationLevel':
    case 'contentProtectionLevel':
      return levelText(s[key]);
    case 'relayUrl':
      return s.relayUrl === null ? 'none' : 'set';
    default:
      return s[key];
  }
}

export async function settingsSet(core: Core, patch: z.infer<typeof SettingsPatch>): Promise<Out> {
  const s = await core.sessions.require();
  const { language, ...rest } = patch;
  for (const level of [rest.ceiling, rest.notificationLevel, rest.contentProtectionLevel]) checkLevel(s, level);
  if (rest.relayUrl !== undefined && rest.relayUrl !== null) {
    const protocol = URL.canParse(rest.relayUrl) ? new URL(rest.relayUrl).protocol : '';
    if (protocol !== 'ws:' && protocol !== 'wss:') throw new EntenteError('invalid_input', 'The relay must be a ws:// or wss:// URL.');
  }
  const before = s.settings;
  const next: ProfileSettings = { ...before, ...rest };
  const changed = (Object.keys(rest) as (keyof ProfileSettings)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(next[k]));
  const prefs = core.prefs.read();
  const languageChanged = language !== undefined && language !== prefs.language;
  if (changed.length === 0 && !languageChanged) return current(core, s);
  const details: Record<string, AuditDetail> = { changed: [...changed, ...(languageChanged ? ['language'] : [])] };
  for (const k of changed) details[k] = detail(k, next);
  if (languageChanged) details.language = language;
  s.profile.db.transaction(() => {
    if (changed.length > 0) writeSettings(s.profile.db, next);
    s.ctx.audit.record({ type: 'settings_changed', outcome: 'ok', actor: 'self', details });
  });
  if (languageChanged) core.prefs.write({ ...prefs, language });
  s.applySettings(next);
  core.sessions.arm();
  return current(core, s);
}
