import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntenteApi } from '../../../../shared/api/contract';
import type { ChannelSummary } from '../../../../shared/api/notes-schemas';
import type { SessionStatus } from '../../../../shared/api/session-schemas';
import { highestOnScreen, type NoteNotification } from '../../../../shared/display';
import type { Label } from '../../../../shared/labels/model';
import type { Prefs, PrefsPatch } from '../../../../shared/prefs';
import { ApiError } from '../../api/client';
import type { EventFeed } from '../../api/transports';
import { errorKey } from '../../api/use-api-error';
import { AuditView } from '../review/AuditView';
import { PartnersView } from '../review/PartnersView';
import { SettingsView } from '../signin/SettingsView';
import { Banner } from './Banner';
import { ChannelsView } from './ChannelsView';
import { TOAST_LIMIT, Toasts } from './Toasts';
import { useDisplay } from './use-display';
import { useWindowFocus, watchedApi } from './watch';

export interface DesktopProps {
  api: EntenteApi;
  /** Main's pushed events: notes changed, auto-lock, notifications. */
  events: EventFeed;
  session: Extract<SessionStatus, { state: 'unlocked' }>;
  prefs: Prefs;
  onChangePrefs: (patch: PrefsPatch) => Promise<void>;
  /** The profile locked (by the officer or by auto-lock): back to sign-in. */
  onLocked: () => void;
}

const VIEWS = ['channels', 'partners', 'audit', 'settings'] as const;
type View = (typeof VIEWS)[number];

/**
 * Main pushes changes as events; this slower check still asks for the session and channels, so a
 * lock or a dropped connection shows within it even if an event was lost. Never counts as activity.
 */
const HEARTBEAT_MS = 10_000;
/** At most one session.activity per this many ms, however busy the officer is. */
const ACTIVITY_MS = 15_000;

/** The unlocked desktop: navigation, classification banners, and the views. */
export function Desktop({ api, events, session, prefs, onChangePrefs, onLocked }: DesktopProps) {
  const { t } = useTranslation();
  const [view, setView] = useState<View>('channels');
  const [error, setError] = useState<string | null>(null);
  const [channels, setChannels] = useState<ChannelSummary[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [toasts, setToasts] = useState<NoteNotification[]>([]);
  const [onScreen, setOnScreen] = useState<{ conversation: Label[]; search: Label[] }>({ conversation: [], search: [] });
  const focused = useWindowFocus();
  const lastActivity = useRef(0);
  // App hands a new callback at each render; the effects below must not restart for that.
  const lockedRef = useRef(onLocked);
  useEffect(() => {
    lockedRef.current = onLocked;
  }, [onLocked]);
  const locked = useCallback(() => lockedRef.current(), []);

  const onError = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.code === 'profile_locked') locked();
      else setError(errorKey(err));
    },
    [locked],
  );
  const display = useDisplay(api, onError);
  const { reload } = display;

  // A setting changed in A's views (ceiling, session mode, language): redecide everything on screen now.
  const viewsApi = useMemo(() => watchedApi(api, (settings) => {
    reload();
    if (settings !== null && settings.language !== prefs.language) void onChangePrefs({ language: settings.language });
  }), [api, reload, prefs.language, onChangePrefs]);

  // Back to the window or back from another view: settings may have changed meanwhile (the first
  // run is useDisplay's own load).
  const firstRun = useRef(true);
  useEffect(() => {
    if (firstRun.current) {
      firstRun.current = false;
      return;
    }
    if (focused && view === 'channels') reload();
  }, [focused, view, reload]);

  useEffect(() => {
    let live = true;
    const poll = () => {
      Promise.all([api['session.status']({}), api['channels.list']({})])
        .then(([status, list]) => {
          if (!live) return;
          if (status.state === 'locked') return locked();
          setChannels(list.channels);
          setSelected((s) => s ?? list.channels[0]?.channelId ?? null);
          setTick((n) => n + 1);
        })
        .catch((err: unknown) => live && onError(err));
    };
    poll();
    const timer = setInterval(poll, HEARTBEAT_MS);
    const stop = events((event) => {
      if (!live) return;
      if (event.kind === 'session.locked') locked();
      else if (event.kind === 'notes.changed') poll();
      else setToasts((list) => [...list.filter((n) => n.tag !== event.notification.tag), event.notification].slice(-TOAST_LIMIT));
    });
    return () => {
      live = false;
      clearInterval(timer);
      stop();
    };
  }, [api, events, locked, onError, prefs.language]);

  const dismissToast = useCallback((tag: string) => setToasts((list) => list.filter((n) => n.tag !== tag)), []);
  const openToast = useCallback(
    (n: NoteNotification) => {
      dismissToast(n.tag);
      if (n.channelId === null) return;
      setView('channels');
      setSelected(n.channelId);
    },
    [dismissToast],
  );

  const activity = () => {
    const now = Date.now();
    if (now - lastActivity.current < ACTIVITY_MS) return;
    lastActivity.current = now;
    api['session.activity']({})
      .then((s) => s.state === 'locked' && locked())
      .catch(onError);
  };

  const lock = () => {
    api['profile.lock']({})
      .then(() => locked())
      .catch(onError);
  };

  const conversationLabels = useCallback((labels: Label[]) => setOnScreen((s) => ({ ...s, conversation: labels })), []);
  const searchLabels = useCallback((labels: Label[]) => setOnScreen((s) => ({ ...s, search: labels })), []);
  const levels = highestOnScreen(view === 'channels' ? [...onScreen.conversation, ...onScreen.search] : [], display.policyOf, { lang: prefs.language });

  return (
    <div className="desktop" data-testid="desktop" onKeyDownCapture={activity} onPointerDownCapture={activity} onWheelCapture={activity}>
      <Banner levels={levels} place="top" />
      <header className="desk-header">
        <p className="desk-officer">{t('desk.officer', { name: session.officer.name, agency: session.officer.agency ?? '—' })}</p>
        <nav aria-label={t('desk.nav.label')} className="desk-nav">
          {VIEWS.map((v) => (
            <button key={v} type="button" data-testid={`nav-${v}`} aria-current={v === view ? 'page' : undefined} onClick={() => setView(v)}>
              {t(`desk.nav.${v}`)}
            </button>
          ))}
        </nav>
        <button type="button" data-testid="lock" onClick={lock}>
          {t('desk.nav.lock')}
        </button>
      </header>
      {error !== null && (
        <p role="alert" className="error">
          {t(error)}
        </p>
      )}
      <div className="desk-view">
        {view === 'channels' && (
          <ChannelsView
            api={api}
            channels={channels}
            selected={selected}
            onSelect={setSelected}
            display={display}
            focused={focused}
            tick={tick}
            onSent={() => setTick((n) => n + 1)}
            onConversationLabels={conversationLabels}
            onSearchLabels={searchLabels}
            onError={onError}
          />
        )}
        {view === 'partners' && <PartnersView api={viewsApi} />}
        {view === 'audit' && <AuditView api={viewsApi} />}
        {view === 'settings' && <SettingsView api={viewsApi} />}
      </div>
      <Toasts toasts={toasts} lang={prefs.language} onOpen={openToast} onDismiss={dismissToast} />
      <Banner levels={levels} place="bottom" />
    </div>
  );
}
