import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dispatch } from '../../../main/core/dispatch';
import { EntenteError } from '../../../shared/errors';
import { CALL_NAMES, contract } from '../../../shared/api/contract';
import { makeService } from '../../helpers/service';
import { tempDir } from '../../helpers/tmp';
import type { Service } from '../../../main/core/service';

describe('dispatch', () => {
  let dir: ReturnType<typeof tempDir>;
  let service: Service;
  beforeEach(() => {
    dir = tempDir();
    service = makeService(dir.path);
  });
  afterEach(() => dir.remove());

  it('answers every call of the contract with a value its output schema accepts, or profile_locked while locked', async () => {
    const NATO = '1.3.26.1.3.1';
    const label = { policyId: NATO, classification: 1, categories: [] };
    const inputs: Record<string, unknown> = {
      appInfo: {},
      getPrefs: {},
      setPrefs: { language: 'fr' },
      'profiles.list': {},
      'profile.create': undefined,
      'profile.unlock': { profileId: 'user:nobody', passphrase: 'x' },
      'profile.lock': {},
      'session.status': {},
      'session.activity': {},
      'profile.enrolmentRequest': {},
      'profile.import': { files: [{ name: 'a', data: '' }] },
      'display.context': {},
      'channels.list': {},
      'channels.create': { name: 'Cell', members: [{ agency: 'de-demo', officerId: 'jonas' }] },
      'notes.page': { channelId: 'c' },
      'notes.body': { noteId: 'n' },
      'notes.search': { query: 'q' },
      'compose.catalog': {},
      'compose.preview': { channelId: 'c', label },
      'compose.send': { channelId: 'c', label, text: 't' },
      'partners.list': {},
      'partners.verify': { agency: 'a', officerId: 'b', safetyNumber: '1' },
      'audit.page': {},
      'audit.counts': {},
      'audit.verify': {},
      'audit.export': {},
      'settings.get': {},
      'settings.set': {},
    };
    expect(Object.keys(inputs).sort()).toEqual([...CALL_NAMES].sort());
    // Locked calls that refuse: the one with an unknown profile says so, every other needs a profile.
    const refusal: Record<string, string> = { 'profile.unlock': 'keystore_missing' };
    const okLocked = new Set(['appInfo', 'getPrefs', 'setPrefs', 'profiles.list', 'profile.lock', 'session.status', 'session.activity']);
    for (const name of CALL_NAMES) {
      if (inputs[name] === undefined) continue; // profile.create creates; session.test.ts covers it
      const result = await dispatch(service, name, inputs[name]);
      if (okLocked.has(name)) {
        expect(result.ok, name).toBe(true);
        if (result.ok) expect(contract[name].output.safeParse(result.value).success).toBe(true);
      } else {
        expect(result, name).toEqual({ ok: false, error: expect.objectContaining({ code: refusal[name] ?? 'profile_locked' }) });
      }
    }
  });

  it('refuses unknown calls, including prototype names', async () => {
    for (const name of ['nope', 'constructor', '__proto__', 'toString', 42, null]) {
      const result = await dispatch(service, name, {});
      expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'unknown_call' }) });
    }
  });

  it('refuses invalid input and changes nothing', async () => {
    for (const bad of [{ language: 'de' }, { theme: 7 }, { language: 'fr', extra: true }, 'fr', [1]]) {
      const result = await dispatch(service, 'setPrefs', bad);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('invalid_input');
    }
    expect(() => readFileSync(join(dir.path, 'preferences.json'))).toThrow();
    expect(await service.getPrefs()).toEqual({ language: 'en', theme: 'system' });
  });

  it('passes coded errors through and hides the text of unexpected ones', async () => {
    const failing = Object.create(service) as Service;
    failing.getPrefs = async () => {
      throw new EntenteError('prefs_unreadable', 'The preferences could not be read.');
    };
    failing.appInfo = async () => {
      throw new Error('secret detail: NATO SECRET body');
    };
    expect(await dispatch(failing, 'getPrefs', {})).toEqual({
      ok: false,
      error: { code: 'prefs_unreadable', message: 'The preferences could not be read.' },
    });
    const hidden = await dispatch(failing, 'appInfo', {});
    expect(hidden.ok).toBe(false);
    expect(JSON.stringify(hidden)).not.toContain('secret detail');
  });

  it('refuses an output that breaks the contract', async () => {
    const lying = Object.create(service) as Service;
    lying.getPrefs = async () => ({ language: 'xx', theme: 'system' }) as never;
    const result = await dispatch(lying, 'getPrefs', {});
    expect(result.ok).toBe(false);
  });
});
