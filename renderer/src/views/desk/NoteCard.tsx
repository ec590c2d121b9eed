import { memo, useEffect, useState, type ClipboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntenteApi } from '../../../../shared/api/contract';
import type { NoteMeta } from '../../../../shared/api/notes-schemas';
import type { DisplayReason } from '../../../../shared/display';
import { ApiError } from '../../api/client';
import { errorKey } from '../../api/use-api-error';
import { textOn } from './levels';
import { displayReasonText, distinctTexts } from './reasons';

/** Bodies fetched under the current display context, so a virtualized list does not ask again on every scroll. */
export type BodyCache = Map<string, string>;

/** The note's marking as a strip in the policy's colour; the text says it, the colour only repeats it. */
export function Marking({ marking, color }: { marking: string; color: string | null }) {
  const fg = textOn(color);
  return (
    <p className="marking" style={fg === null || color === null ? undefined : { background: color, color: fg }}>
      {marking}
    </p>
  );
}

function Sender({ note }: { note: NoteMeta }) {
  const { t, i18n } = useTranslation();
  const who = note.direction === 'out' ? t('desk.note.you') : t('desk.note.from', { name: note.sender.name ?? note.sender.officerId, agency: note.sender.agencyName ?? note.sender.agency });
  const time = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' }).format(note.sentAt);
  return (
    <p className="note-meta">
      <span className="note-sender">{who}</span> · <time dateTime={new Date(note.sentAt).toISOString()}>{t('desk.note.sentAt', { time })}</time>
      {!note.read && note.direction === 'in' && <span className="note-unread"> · {t('desk.note.unread')}</span>}
      {note.delivery !== null && <Delivery delivery={note.delivery} />}
    </p>
  );
}

function Delivery({ delivery }: { delivery: NonNullable<NoteMeta['delivery']> }) {
  const { t } = useTranslation();
  const done = delivery.recipients.filter((r) => r.state === 'delivered').length;
  return (
    <span className="note-delivery">
      {' · '}
      {t('desk.delivery.line', { state: t(`desk.delivery.${delivery.state}`) })}
      {delivery.recipients.length > 1 && ` (${t('desk.delivery.recipients', { done, total: delivery.recipients.length })})`}
    </span>
  );
}

/** In place of a note the viewer may not see: the marking, who sent it, and every reason. */
export const RedactionCard = memo(function RedactionCard({ note, reasons }: { note: NoteMeta; reasons: readonly DisplayReason[] }) {
  const { t } = useTranslation();
  const texts = distinctTexts(reasons.map((r) => displayReasonText(t, r)));
  return (
    <article className="note redacted" data-testid={`redacted-${note.noteId}`} aria-label={`${t('desk.redacted.title')}: ${note.marking}`}>
      <Marking marking={note.marking} color={note.color} />
      <Sender note={note} />
      <p className="redacted-title">
        <strong>{t('desk.redacted.title')}</strong> — {t('desk.redacted.why')}
      </p>
      <ul className="reasons">
        {(texts.length > 0 ? texts : [t('errors.note_withheld')]).map((text) => (
          <li key={text}>{text}</li>
        ))}
      </ul>
    </article>
  );
});

interface NoteCardProps {
  api: EntenteApi;
  note: NoteMeta;
  cache: BodyCache;
  /** Above the content protection level: no copying, blurred while the window is not in use. */
  protect: boolean;
  blurred: boolean;
}

/** How long a note must stay drawn before its body is asked for. */
const BODY_DELAY_MS = 120;

type BodyState = { state: 'loading' } | { state: 'shown'; body: string } | { state: 'withheld' } | { state: 'failed'; key: string };

/** A note the viewer may see: its body is asked of main only now that it is drawn, and main decides again. */
export const NoteCard = memo(function NoteCard({ api, note, cache, protect, blurred }: NoteCardProps) {
  const { t } = useTranslation();
  const cached = cache.get(note.noteId);
  const [body, setBody] = useState<BodyState>(cached === undefined ? { state: 'loading' } : { state: 'shown', body: cached });
  const control = note.kind === 'control';

  useEffect(() => {
    if (control) return;
    const held = cache.get(note.noteId);
    if (held !== undefined) {
      setBody({ state: 'shown', body: held });
      return;
    }
    let live = true;
    setBody({ state: 'loading' });
    // Asked only for a note that stays on screen a moment: a row flashing past while the officer
    // scrolls is neither fetched nor recorded as displayed.
    const timer = setTimeout(() => {
      api['notes.body']({ noteId: note.noteId })
        .then((b) => {
          cache.set(note.noteId, b.body);
          if (live) setBody({ state: 'shown', body: b.body });
        })
        .catch((err: unknown) => {
          if (!live) return;
          setBody(err instanceof ApiError && err.code === 'note_withheld' ? { state: 'withheld' } : { state: 'failed', key: errorKey(err) });
        });
    }, BODY_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, note.noteId, cache, control]);

  // Main refused it after all (a revocation, a cap it knew of first): a redaction card, never a body.
  if (body.state === 'withheld') return <RedactionCard note={note} reasons={[]} />;

  const noCopy = (e: ClipboardEvent) => {
    if (protect) e.preventDefault();
  };
  return (
    <article className={`note${protect ? ' protected' : ''}`} data-testid={`note-${note.noteId}`} aria-label={note.marking} onCopy={noCopy} onCut={noCopy}>
      <Marking marking={note.marking} color={note.color} />
      <Sender note={note} />
      <div className={`note-body${blurred ? ' blurred' : ''}`} aria-hidden={blurred || undefined}>
        {control ? (
          <p className="note-control">{t('desk.note.control')}</p>
        ) : body.state === 'shown' ? (
          <p className="note-text">{body.body}</p>
        ) : body.state === 'loading' ? (
          <p aria-busy="true">{t('desk.note.bodyLoading')}</p>
        ) : (
          <p className="error">{t('desk.note.bodyFailed', { reason: t(body.key) })}</p>
        )}
      </div>
      {blurred && <p className="visually-hidden">{t('desk.protection.blurred')}</p>}
      {protect && <p className="visually-hidden">{t('desk.note.copyDisabled')}</p>}
    </article>
  );
});
