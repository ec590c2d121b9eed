import type { EntenteApi } from '../../../../shared/api/contract';
import type { SessionStatus } from '../../../../shared/api/session-schemas';
import type { Prefs, PrefsPatch } from '../../../../shared/prefs';

export interface DesktopProps {
  api: EntenteApi;
  session: Extract<SessionStatus, { state: 'unlocked' }>;
  prefs: Prefs;
  onChangePrefs: (patch: PrefsPatch) => Promise<void>;
  /** The profile locked (by the officer or by auto-lock): back to sign-in. */
  onLocked: () => void;
}

/** The unlocked desktop: navigation, classification banners, and the views. */
export function Desktop(_props: DesktopProps) {
  return <section className="panel" data-testid="desktop" />;
}
