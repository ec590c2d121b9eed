import { useEffect, useMemo, useState } from 'react';
import { I18nextProvider } from 'react-i18next';
import type { AppInfo, EntenteApi } from '../../shared/api/contract';
import type { SessionStatus } from '../../shared/api/session-schemas';
import type { Prefs, PrefsPatch } from '../../shared/prefs';
import type { EventFeed } from './api/transports';
import { createI18n } from './i18n';
import { errorKey } from './api/use-api-error';
import { Shell } from './views/Shell';
import { Desktop } from './views/desk/Desktop';
import { SignIn } from './views/signin/SignIn';

/** A feed that never fires: an App given no events (a test's fake API) only polls. */
const NO_EVENTS: EventFeed = () => () => undefined;

interface Props {
  api: EntenteApi;
  events?: EventFeed;
  /** The document whose language and theme follow the preferences (injected so tests can use their own). */
  doc?: Document;
}

export function App({ api, events = NO_EVENTS, doc = document }: Props) {
  const i18n = useMemo(() => createI18n('en'), []);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [prefs, setPrefs] = useState<Prefs | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [session, setSession] = useState<SessionStatus | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([api.appInfo({}), api.getPrefs({}), api['session.status']({})])
      .then(([appInfo, current, status]) => {
        if (!live) return;
        setInfo(appInfo);
        setPrefs(current);
        setSession(status);
      })
      .catch((err: unknown) => live && setError(errorKey(err)));
    return () => {
      live = false;
    };
  }, [api]);

  useEffect(() => {
    if (prefs === null) return;
    void i18n.changeLanguage(prefs.language);
    doc.documentElement.lang = prefs.language;
    doc.documentElement.dataset.theme = prefs.theme;
  }, [prefs, i18n, doc]);

  const changePrefs = async (patch: PrefsPatch): Promise<void> => {
    try {
      setPrefs(await api.setPrefs(patch));
      setError(null);
    } catch (err) {
      setError(errorKey(err));
    }
  };

  return (
    <I18nextProvider i18n={i18n}>
      <Shell info={info} prefs={prefs} error={error} onChangePrefs={changePrefs}>
        {session === null || prefs === null ? null : session.state === 'unlocked' ? (
          <Desktop api={api} events={events} session={session} prefs={prefs} onChangePrefs={changePrefs} onLocked={() => setSession({ state: 'locked' })} />
        ) : (
          <SignIn api={api} onUnlocked={setSession} />
        )}
      </Shell>
    </I18nextProvider>
  );
}
