import { useTranslation } from 'react-i18next';
import type { EntenteApi } from '../../../../shared/api/contract';
import type { ChannelSummary } from '../../../../shared/api/notes-schemas';
import type { Label } from '../../../../shared/labels/model';
import { Compose } from './Compose';
import { Conversation } from './Conversation';
import { NewChannel } from './NewChannel';
import { textOn } from './levels';
import { Search } from './Search';
import type { Display } from './use-display';

interface Props {
  api: EntenteApi;
  channels: ChannelSummary[] | null;
  selected: string | null;
  onSelect: (channelId: string) => void;
  display: Display;
  focused: boolean;
  tick: number;
  onSent: () => void;
  onConversationLabels: (labels: Label[]) => void;
  onSearchLabels: (labels: Label[]) => void;
  onError: (err: unknown) => void;
}

/** The channel list (unread count, highest label held) beside the open channel: its notes, compose and search. */
export function ChannelsView({ api, channels, selected, onSelect, display, focused, tick, onSent, onConversationLabels, onSearchLabels, onError }: Props) {
  const { t, i18n } = useTranslation();
  const channel = channels?.find((c) => c.channelId === selected) ?? null;
  return (
    <div className="desk-channels">
      <nav className="channel-list" aria-labelledby="channels-title">
        <h2 id="channels-title">{t('desk.channels.title')}</h2>
        {channels !== null && channels.length === 0 && <p>{t('desk.channels.empty')}</p>}
        <ul>
          {channels?.map((c) => {
            const top = c.highest[0];
            const fg = top === undefined ? null : textOn(top.color);
            return (
              <li key={c.channelId}>
                <button type="button" className="channel" data-testid={`channel-${c.channelId}`} aria-current={c.channelId === selected ? 'true' : undefined} onClick={() => onSelect(c.channelId)}>
                  <span className="channel-name">{c.name}</span>
                  <span className="channel-unread">{c.unread > 0 ? t('desk.channels.unread', { count: c.unread }) : t('desk.channels.noUnread')}</span>
                  <span className="channel-highest">
                    {top === undefined ? (
                      t('desk.channels.noNotes')
                    ) : (
                      <span className="chip" style={fg === null || top.color === null ? undefined : { background: top.color, color: fg }}>
                        {t('desk.channels.highest', { marking: c.highest.map((h) => h.marking).join(' · ') })}
                      </span>
                    )}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
        <NewChannel api={api} onCreated={onSelect} />
      </nav>
      <div className="channel-open">
        {channel === null ? (
          <p>{t('desk.conversation.choose')}</p>
        ) : (
          <>
            <Conversation key={`${channel.channelId}:${i18n.language}`} api={api} channel={channel} display={display} focused={focused} tick={tick} onShownLabels={onConversationLabels} onError={onError} />
            <Compose key={`compose:${channel.channelId}`} api={api} channel={channel} onSent={onSent} />
            <Search key={`search:${channel.channelId}`} api={api} channelId={channel.channelId} display={display} focused={focused} onShownLabels={onSearchLabels} />
          </>
        )}
      </div>
    </div>
  );
}
