import { memo } from 'react';
import { useTranslation } from 'react-i18next';

interface Props {
  /** The row's place in the channel, 0 the newest. */
  index: number;
  total: number;
  /** The older pages failed: say so and offer to try again, rather than "loading" for ever. */
  failed: boolean;
  onRetry: () => void;
}

/**
 * A row for a note not loaded yet: only its place in the channel, never a marking or a body (nothing
 * of the note is known here). Busy while its page loads, so assistive technology says it is coming.
 */
export const NotePlaceholder = memo(function NotePlaceholder({ index, total, failed, onRetry }: Props) {
  const { t } = useTranslation();
  return (
    <article className="note pending" data-testid="pending-row" aria-busy={!failed} aria-label={t('desk.conversation.placeholder', { position: index + 1, total })}>
      {failed ? (
        <p className="error">
          {t('desk.conversation.olderFailed')}{' '}
          <button type="button" onClick={onRetry}>
            {t('desk.conversation.retry')}
          </button>
        </p>
      ) : (
        <p>{t('desk.conversation.loadingOlder')}</p>
      )}
    </article>
  );
});
