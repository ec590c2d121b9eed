import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { notificationText, type NoteNotification } from '../../../../shared/display';
import type { Language } from '../../../../shared/prefs';

/** How long a notification stays on screen unless the officer acts on it. */
export const TOAST_MS = 8_000;
/** At most this many at once: the oldest goes when another comes. */
export const TOAST_LIMIT = 3;

interface Props {
  toasts: readonly NoteNotification[];
  lang: Language;
  onOpen: (n: NoteNotification) => void;
  onDismiss: (tag: string) => void;
}

/**
 * Main's notifications inside the window (in Electron the OS shows them while the window is not in
 * front). The words are main's (shared/display/notification.ts): a note above the officer's
 * notification level arrives here without content, exactly as on the OS.
 */
export function Toasts({ toasts, lang, onOpen, onDismiss }: Props) {
  const { t } = useTranslation();
  return (
    <section className="toasts" aria-label={t('notify.region')} role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((n) => (
        <Toast key={n.tag} n={n} lang={lang} onOpen={onOpen} onDismiss={onDismiss} openLabel={t('notify.open')} dismissLabel={t('notify.dismiss')} />
      ))}
    </section>
  );
}

function Toast({ n, lang, onOpen, onDismiss, openLabel, dismissLabel }: { n: NoteNotification; lang: Language; onOpen: Props['onOpen']; onDismiss: Props['onDismiss']; openLabel: string; dismissLabel: string }) {
  useEffect(() => {
    const timer = setTimeout(() => onDismiss(n.tag), TOAST_MS);
    return () => clearTimeout(timer);
  }, [n.tag, onDismiss]);
  const { title, body } = notificationText(n, lang);
  return (
    <article className="toast" data-testid="toast" data-content={n.content === null ? 'hidden' : 'shown'}>
      <p className="toast-title">{title}</p>
      <p className="toast-body">{body}</p>
      <div className="toast-actions">
        {n.channelId !== null && (
          <button type="button" onClick={() => onOpen(n)}>
            {openLabel}
          </button>
        )}
        <button type="button" onClick={() => onDismiss(n.tag)}>
          {dismissLabel}
        </button>
      </div>
    </article>
  );
}
