import { useEffect, useState } from 'react';
import { CALL_NAMES, type EntenteApi } from '../../../../shared/api/contract';
import type { Settings } from '../../../../shared/api/settings-schemas';

/**
 * The API as the views the desktop hosts see it, with a hook on the calls that change what may be
 * shown (settings, imports): the desktop redecides its notes at once instead of at the next poll.
 */
export function watchedApi(api: EntenteApi, onChanged: (settings: Settings | null) => void): EntenteApi {
  // Every call forwarded by name: the API may be any object that answers them, not only a plain one.
  const forwarded = Object.fromEntries(CALL_NAMES.map((name) => [name, (input: unknown) => (api[name] as (i: unknown) => Promise<unknown>)(input)])) as EntenteApi;
  return {
    ...forwarded,
    'settings.set': async (patch) => {
      const settings = await api['settings.set'](patch);
      onChanged(settings);
      return settings;
    },
    'profile.import': async (input) => {
      const out = await api['profile.import'](input);
      onChanged(null);
      return out;
    },
  };
}

/** Whether the window is in use (focused and visible): protected notes blur when it is not. */
export function useWindowFocus(): boolean {
  const [focused, setFocused] = useState(() => document.hasFocus() && document.visibilityState !== 'hidden');
  useEffect(() => {
    const update = () => setFocused(document.hasFocus() && document.visibilityState !== 'hidden');
    const off = () => setFocused(false);
    window.addEventListener('focus', update);
    window.addEventListener('blur', off);
    document.addEventListener('visibilitychange', update);
    return () => {
      window.removeEventListener('focus', update);
      window.removeEventListener('blur', off);
      document.removeEventListener('visibilitychange', update);
    };
  }, []);
  return focused;
}
