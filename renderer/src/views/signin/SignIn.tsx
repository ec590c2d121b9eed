import type { EntenteApi } from '../../../../shared/api/contract';
import type { SessionStatus } from '../../../../shared/api/session-schemas';

export interface SignInProps {
  api: EntenteApi;
  /** Called with the unlocked session once the officer is in. */
  onUnlocked: (status: SessionStatus) => void;
}

/** Choosing a profile, unlocking it, or creating one (first run). */
export function SignIn(_props: SignInProps) {
  return <section className="panel" data-testid="signin" />;
}
