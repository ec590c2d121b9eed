import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntenteApi } from '../../../../shared/api/contract';
import { OfficerRef, type OfficerView } from '../../../../shared/api/fields';
import { errorKey } from '../../api/use-api-error';
import { distinctTexts, shareReasonText } from './reasons';

interface Props {
  api: EntenteApi;
  onCreated: (channelId: string) => void;
}

const officerName = (o: OfficerView) => `${o.name ?? o.officerId} (${o.agencyName ?? o.agency})`;

/** "agency/officer" entries separated by commas or spaces; null when one is not of that form. */
function parseMembers(text: string): OfficerRef[] | null {
  const refs: OfficerRef[] = [];
  for (const part of text.split(/[\s,]+/).filter((p) => p !== '')) {
    const [agency, officerId, ...rest] = part.split('/');
    const ref = OfficerRef.safeParse({ agency, officerId });
    if (rest.length > 0 || !ref.success) return null;
    refs.push(ref.data);
  }
  return refs.length > 0 ? refs : null;
}

/**
 * A new channel: its name and the other members as agency/officer (main reads their credentials
 * from the relay's directory first). Says who was not told of it, and why.
 */
export function NewChannel({ api, onCreated }: Props) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [members, setMembers] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; lines: string[] } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const refs = parseMembers(members);
    if (refs === null) return setOutcome({ ok: false, lines: [t('desk.newChannel.badMembers')] });
    setBusy(true);
    setOutcome(null);
    try {
      const made = await api['channels.create']({ name: name.trim(), members: refs });
      const notTold = made.recipients.withheld.map((w) => t('desk.newChannel.notTold', { name: officerName(w.officer), reasons: distinctTexts(w.reasons.map((r) => shareReasonText(t, r))).join('; ') }));
      setOutcome({ ok: true, lines: [t('desk.newChannel.created', { name: name.trim() }), ...notTold] });
      setName('');
      setMembers('');
      onCreated(made.channelId);
    } catch (err) {
      setOutcome({ ok: false, lines: [t('desk.newChannel.refused', { reason: t(errorKey(err)) })] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="new-channel">
      <summary data-testid="new-channel">{t('desk.newChannel.title')}</summary>
      <form onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span>{t('desk.newChannel.name')}</span>
          <input data-testid="new-channel-name" value={name} maxLength={200} required onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('desk.newChannel.members')}</span>
          <input data-testid="new-channel-members" value={members} required placeholder="agency/officer" onChange={(e) => setMembers(e.target.value)} />
        </label>
        <button type="submit" data-testid="new-channel-submit" disabled={busy || name.trim() === '' || members.trim() === ''}>
          {t('desk.newChannel.create')}
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
