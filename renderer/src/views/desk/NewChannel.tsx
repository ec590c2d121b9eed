import { useId, useState, type FormEvent, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntenteApi } from '../../../../shared/api/contract';
import { OfficerRef, type OfficerView } from '../../../../shared/api/fields';
import { errorKey } from '../../api/use-api-error';
import { NewChannelMembers, type PartnersState } from './NewChannelMembers';
import { distinctTexts, shareReasonText } from './reasons';

interface Props {
  api: EntenteApi;
  onCreated: (channelId: string) => void;
}

/** The contract's most members for one channel (ChannelsCreateInput). */
const MAX_MEMBERS = 64;

const officerName = (o: OfficerView) => `${o.name ?? o.officerId} (${o.agencyName ?? o.agency})`;
const refKey = (r: OfficerRef) => `${r.agency}/${r.officerId}`;

/** "agency/officer" entries separated by commas or spaces (none is fine); null when one is not of that form. */
export function parseMembers(text: string): OfficerRef[] | null {
  const refs: OfficerRef[] = [];
  for (const part of text.split(/[\s,]+/).filter((p) => p !== '')) {
    const [agency, officerId, ...rest] = part.split('/');
    const ref = OfficerRef.safeParse({ agency, officerId });
    if (rest.length > 0 || !ref.success) return null;
    refs.push(ref.data);
  }
  return refs;
}

/**
 * A new channel: its name and the other members, picked among the partner officers this profile
 * holds credentials of, or written as agency/officer (main reads their credentials from the relay's
 * directory first). Says who was not told of it, and why.
 */
export function NewChannel({ api, onCreated }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [others, setOthers] = useState('');
  const [partners, setPartners] = useState<PartnersState>({ state: 'idle' });
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; lines: string[] } | null>(null);

  // Asked when the form opens, not with every channel list: most sessions never create a channel.
  const opened = (e: SyntheticEvent<HTMLDetailsElement>) => {
    if (!e.currentTarget.open || partners.state === 'loading' || partners.state === 'ready') return;
    setPartners({ state: 'loading' });
    api['partners.list']({})
      .then((list) => {
        const agencies = new Map(list.agencies.map((a) => [a.id, a.name]));
        setPartners({ state: 'ready', officers: list.officers.map((o) => ({ ...o, agencyName: agencies.get(o.agency) ?? null })) });
      })
      .catch((err: unknown) => setPartners({ state: 'failed', key: errorKey(err) }));
  };

  const toggle = (key: string, on: boolean) =>
    setPicked((old) => {
      const next = new Set(old);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const typed = parseMembers(others);
    if (typed === null) return setOutcome({ ok: false, lines: [t('desk.newChannel.badMembers')] });
    const fromList = partners.state === 'ready' ? partners.officers.filter((o) => picked.has(refKey(o))).map((o) => ({ agency: o.agency, officerId: o.officerId })) : [];
    // One entry per officer, whether picked, typed, or both.
    const refs = [...new Map([...fromList, ...typed].map((r) => [refKey(r), r])).values()];
    if (refs.length === 0) return setOutcome({ ok: false, lines: [t('desk.newChannel.noMembers')] });
    if (refs.length > MAX_MEMBERS) return setOutcome({ ok: false, lines: [t('desk.newChannel.tooMany', { max: MAX_MEMBERS })] });
    setBusy(true);
    setOutcome(null);
    try {
      const made = await api['channels.create']({ name: name.trim(), members: refs });
      const notTold = made.recipients.withheld.map((w) => t('desk.newChannel.notTold', { name: officerName(w.officer), reasons: distinctTexts(w.reasons.map((r) => shareReasonText(t, r))).join('; ') }));
      setOutcome({ ok: true, lines: [t('desk.newChannel.created', { name: name.trim() }), ...notTold] });
      setName('');
      setOthers('');
      setPicked(new Set());
      onCreated(made.channelId);
    } catch (err) {
      setOutcome({ ok: false, lines: [t('desk.newChannel.refused', { reason: t(errorKey(err)) })] });
    } finally {
      setBusy(false);
    }
  };

  const nothingChosen = picked.size === 0 && others.trim() === '';
  return (
    <details className="new-channel" onToggle={opened}>
      <summary data-testid="new-channel">{t('desk.newChannel.title')}</summary>
      <form onSubmit={(e) => void submit(e)}>
        <div className="field field-stacked">
          <label htmlFor={`${id}-name`}>{t('desk.newChannel.name')}</label>
          <input id={`${id}-name`} data-testid="new-channel-name" value={name} maxLength={200} required onChange={(e) => setName(e.target.value)} />
        </div>
        <NewChannelMembers state={partners} picked={picked} onToggle={toggle} />
        <div className="field field-stacked">
          <label htmlFor={`${id}-others`}>{t('desk.newChannel.members')}</label>
          <input
            id={`${id}-others`}
            data-testid="new-channel-members"
            value={others}
            maxLength={2000}
            placeholder={t('desk.newChannel.membersPlaceholder')}
            aria-describedby={`${id}-others-hint`}
            onChange={(e) => setOthers(e.target.value)}
          />
          <p id={`${id}-others-hint`} className="hint">
            {t('desk.newChannel.membersHint')}
          </p>
        </div>
        <button type="submit" data-testid="new-channel-submit" disabled={busy || name.trim() === '' || nothingChosen}>
          {busy ? t('desk.newChannel.creating') : t('desk.newChannel.create')}
        </button>
        {outcome !== null && (
          <div role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'ok' : 'error'} data-testid="new-channel-outcome">
            {outcome.lines.map((line) => (
              <p key={line}>{line}</p>
            ))}
          </div>
        )}
      </form>
    </details>
  );
}
