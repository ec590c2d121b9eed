import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntenteApi } from '../../../../shared/api/contract';
import { DisplayNameText, OfficerIdText } from '../../../../shared/api/fields';
import type { SessionStatus } from '../../../../shared/api/session-schemas';
import { errorKey } from '../../api/use-api-error';
import { PASSPHRASE_MIN_LENGTH } from './passphrase-strength';
import { StrengthMeter } from './StrengthMeter';

interface Props {
  api: EntenteApi;
  onCreated: (status: SessionStatus) => void;
  onBack: () => void;
}

type Field = 'officerId' | 'name' | 'passphrase' | 'confirm';

/** Each field is checked with the contract's own schemas before anything is sent. */
function check(officerId: string, name: string, passphrase: string, confirm: string): Partial<Record<Field, string>> {
  const problems: Partial<Record<Field, string>> = {};
  if (!OfficerIdText.safeParse(officerId).success) problems.officerId = 'signin.invalid.officerId';
  if (!DisplayNameText.safeParse(name).success) problems.name = 'signin.invalid.name';
  if ([...passphrase].length < PASSPHRASE_MIN_LENGTH) problems.passphrase = 'signin.invalid.passphraseShort';
  else if (confirm !== passphrase) problems.confirm = 'signin.invalid.confirm';
  return problems;
}

export function CreateProfileForm({ api, onCreated, onBack }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [officerId, setOfficerId] = useState('');
  const [name, setName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    const found = check(officerId, name, passphrase, confirm);
    setProblems(found);
    if (Object.keys(found).length > 0) {
      // Focus the first field in error so a keyboard user lands on what to fix.
      const first = (['officerId', 'name', 'passphrase', 'confirm'] as const).find((f) => found[f] !== undefined);
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const status = await api['profile.create']({ officerId, name, passphrase });
      setPassphrase('');
      setConfirm('');
      onCreated(status);
    } catch (err) {
      setError(errorKey(err));
      setBusy(false);
    }
  };

  const field = (f: Field, label: string, input: { type: string; value: string; set: (v: string) => void; autoComplete: string }, hint?: string) => (
    <div className="field field-stacked">
      <label htmlFor={`${id}-${f}`}>{label}</label>
      <input
        id={`${id}-${f}`}
        type={input.type}
        value={input.value}
        autoComplete={input.autoComplete}
        aria-invalid={problems[f] !== undefined}
        aria-describedby={[hint !== undefined ? `${id}-${f}-hint` : '', problems[f] !== undefined ? `${id}-${f}-error` : ''].join(' ').trim() || undefined}
        onChange={(e) => input.set(e.target.value)}
      />
      {hint !== undefined && (
        <small id={`${id}-${f}-hint`} className="hint">
          {hint}
        </small>
      )}
      {problems[f] !== undefined && (
        <span id={`${id}-${f}-error`} className="error" data-testid={`create-error-${f}`}>
          {t(problems[f], { min: PASSPHRASE_MIN_LENGTH })}
        </span>
      )}
    </div>
  );

  return (
    <form className="create-form" onSubmit={(e) => void submit(e)} aria-busy={busy} noValidate data-testid="create-form">
      <h3>{t('signin.createTitle')}</h3>
      <p>{t('signin.createIntro')}</p>
      {field('officerId', t('signin.officerId'), { type: 'text', value: officerId, set: setOfficerId, autoComplete: 'username' }, t('signin.officerIdHint'))}
      {field('name', t('signin.name'), { type: 'text', value: name, set: setName, autoComplete: 'name' })}
      {field('passphrase', t('signin.passphrase'), { type: 'password', value: passphrase, set: setPassphrase, autoComplete: 'new-password' }, t('signin.strength.advice'))}
      <StrengthMeter passphrase={passphrase} />
      {field('confirm', t('signin.confirm'), { type: 'password', value: confirm, set: setConfirm, autoComplete: 'new-password' })}
      {error !== null && (
        <p role="alert" className="error">
          {t(error)}
        </p>
      )}
      {busy && <p role="status">{t('signin.creating')}</p>}
      <div className="actions">
        <button type="submit" disabled={busy} data-testid="create-submit">
          {t('signin.createSubmit')}
        </button>
        <button type="button" onClick={onBack} disabled={busy}>
          {t('signin.back')}
        </button>
      </div>
    </form>
  );
}
