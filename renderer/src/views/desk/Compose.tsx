import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput, EntenteApi } from '../../../../shared/api/contract';
import type { OfficerView } from '../../../../shared/api/fields';
import type { ChannelSummary } from '../../../../shared/api/notes-schemas';
import { refKey } from '../../../../shared/labels/policy-view';
import type { Label } from '../../../../shared/labels/model';
import { errorKey } from '../../api/use-api-error';
import { Marking } from './NoteCard';
import { distinctTexts, problemText, shareReasonText } from './reasons';

type Catalog = CallOutput<'compose.catalog'>;
type Preview = CallOutput<'compose.preview'>;

interface Props {
  api: EntenteApi;
  channel: ChannelSummary;
  onSent: () => void;
}

const officerName = (o: OfficerView) => `${o.name ?? o.officerId} (${o.agencyName ?? o.agency})`;

/**
 * Writing a note. The label is built from the policy's catalog and nothing is chosen for the officer;
 * the preview (marking, who receives it, who is withheld and why, the refusal) follows every change.
 */
export function Compose({ api, channel, onSent }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'fr' ? 'fr' : 'en';
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [classification, setClassification] = useState<number | null>(null);
  const [categories, setCategories] = useState<ReadonlySet<string>>(new Set());
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    let live = true;
    api['compose.catalog']({})
      .then((c) => live && setCatalog(c))
      .catch((err: unknown) => live && setOutcome({ ok: false, text: t(errorKey(err)) }));
    return () => {
      live = false;
    };
  }, [api, t]);

  const label: Label | null =
    catalog === null || classification === null ? null : { policyId: catalog.policyId, classification, categories: catalog.categories.filter((c) => categories.has(refKey(c.ref))).map((c) => c.ref) };
  const labelKey = label === null ? null : JSON.stringify(label);

  useEffect(() => {
    if (labelKey === null) {
      setPreview(null);
      setPreviewing(false);
      return;
    }
    let live = true;
    setPreviewing(true);
    // A short pause so ticking several categories asks once.
    const timer = setTimeout(() => {
      api['compose.preview']({ channelId: channel.channelId, label: JSON.parse(labelKey) as Label })
        .then((p) => live && setPreview(p))
        .catch((err: unknown) => live && setOutcome({ ok: false, text: t(errorKey(err)) }))
        .finally(() => live && setPreviewing(false));
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, channel.channelId, labelKey, t, i18n.language]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (label === null || text.trim() === '') return;
    setSending(true);
    setOutcome(null);
    try {
      const sent = await api['compose.send']({ channelId: channel.channelId, label, text });
      setOutcome({ ok: true, text: sent.queued ? t('desk.compose.queued') : t('desk.compose.sent', { marking: sent.note.marking }) });
      setText('');
      // No label is carried over to the next note either: each one is chosen.
      setClassification(null);
      setCategories(new Set());
      onSent();
    } catch (err) {
      setOutcome({ ok: false, text: t('desk.compose.refused', { reason: t(errorKey(err)) }) });
    } finally {
      setSending(false);
    }
  };

  const toggle = (key: string) =>
    setCategories((held) => {
      const next = new Set(held);
      if (!next.delete(key)) next.add(key);
      return next;
    });

  const refusal = preview?.refusal ?? null;
  const canSend = label !== null && text.trim() !== '' && !previewing && preview !== null && refusal === null && !sending;
  const tagSets = [...new Set(catalog?.categories.map((c) => c.tagSetName) ?? [])];

  return (
    <form className="compose" aria-labelledby="compose-title" onSubmit={(e) => void submit(e)}>
      <h3 id="compose-title">{t('desk.compose.title')}</h3>
      <label className="field">
        <span>{t('desk.compose.label')}</span>
        <select data-testid="compose-label" value={classification ?? ''} required onChange={(e) => setClassification(e.target.value === '' ? null : Number(e.target.value))}>
          <option value="">{t('desk.compose.choose')}</option>
          {catalog?.classifications.map((c) => (
            <option key={c.lacv} value={c.lacv}>
              {c.allowed ? c.names[lang] : t('desk.compose.notAllowed', { name: c.names[lang] })}
            </option>
          ))}
        </select>
      </label>
      {catalog !== null && catalog.categories.length > 0 && (
        <details className="categories">
          <summary>{t('desk.compose.categories')}</summary>
          {tagSets.map((set) => (
            <fieldset key={set}>
              <legend>{set}</legend>
              {catalog.categories
                .filter((c) => c.tagSetName === set)
                .map((c) => {
                  const key = refKey(c.ref);
                  return (
                    <label key={key} className="category">
                      <input type="checkbox" checked={categories.has(key)} onChange={() => toggle(key)} /> {c.names[lang]}
                      {c.held && <span className="muted"> ({t('desk.compose.held')})</span>}
                    </label>
                  );
                })}
            </fieldset>
          ))}
        </details>
      )}
      <label className="field compose-text">
        <span>{t('desk.compose.text')}</span>
        <textarea data-testid="compose-text" value={text} maxLength={16_000} rows={3} onChange={(e) => setText(e.target.value)} />
      </label>
      <section className="compose-preview" data-testid="compose-preview" aria-live="polite" aria-labelledby="compose-preview-title">
        <h4 id="compose-preview-title">{t('desk.compose.preview')}</h4>
        {preview === null ? <p>{previewing ? t('desk.compose.previewing') : t('desk.compose.noMarking')}</p> : <PreviewBody preview={preview} />}
      </section>
      {refusal !== null && (
        <p role="alert" className="error" data-testid="compose-refusal">
          {t('desk.compose.refused', { reason: problemText(t, refusal) })}
        </p>
      )}
      <button type="submit" data-testid="compose-send" disabled={!canSend}>
        {sending ? t('desk.compose.sending') : t('desk.compose.send')}
      </button>
      {outcome !== null && (
        <p role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'ok' : 'error'} data-testid="compose-outcome">
          {outcome.text}
        </p>
      )}
    </form>
  );
}

function PreviewBody({ preview }: { preview: Preview }) {
  const { t } = useTranslation();
  const { eligible, withheld } = preview.recipients;
  return (
    <>
      {preview.marking !== null && <Marking marking={preview.marking} color={preview.color} />}
      {!preview.validation.valid && (
        <>
          <p>{t('desk.compose.invalid')}</p>
          <ul className="reasons">
            {distinctTexts(preview.validation.reasons.map((r) => t(`desk.reasons.${r.code}`))).map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        </>
      )}
      <h5>{t('desk.compose.eligible')}</h5>
      <ul data-testid="compose-eligible">
        {eligible.length === 0 ? <li>{t('desk.compose.nobody')}</li> : eligible.map((o) => <li key={`${o.agency}/${o.officerId}`}>{officerName(o)}</li>)}
      </ul>
      {withheld.length > 0 && (
        <>
          <h5>{t('desk.compose.withheld')}</h5>
          <ul data-testid="compose-withheld">
            {withheld.map((w) => (
              <li key={`${w.officer.agency}/${w.officer.officerId}`}>
                {officerName(w.officer)}: {distinctTexts(w.reasons.map((r) => shareReasonText(t, r))).join('; ')}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
