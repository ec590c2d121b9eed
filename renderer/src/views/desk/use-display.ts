import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CallOutput, EntenteApi } from '../../../../shared/api/contract';
import type { NoteMeta } from '../../../../shared/api/notes-schemas';
import type { Settings } from '../../../../shared/api/settings-schemas';
import { displayDecider, type DisplayDecision } from '../../../../shared/display';
import type { Policy } from '../../../../shared/labels/model';

export type DisplayContext = CallOutput<'display.context'>;

/** What every desk view needs to decide display the way main does (shared/display). */
export interface Display {
  context: DisplayContext | null;
  settings: Settings | null;
  policyOf: (policyId: string) => Policy | undefined;
  /** The decision for a note now: with the latest context, else what main said with the page. */
  decide: (note: Pick<NoteMeta, 'label' | 'display'>) => DisplayDecision;
  /** Bumped at every reload: bodies fetched under an older context must be asked for again. */
  version: number;
  reload: () => void;
}

/**
 * The viewer's effective clearance and the settings, reloaded when asked (a setting changed, the
 * window came back) so that a lowered ceiling turns shown notes into redaction cards at once, before
 * main refuses their bodies.
 */
export function useDisplay(api: EntenteApi, onError: (err: unknown) => void): Display {
  const [state, setState] = useState<{ context: DisplayContext | null; settings: Settings | null; version: number }>({ context: null, settings: null, version: 0 });
  const [ask, setAsk] = useState(0);
  const reload = useCallback(() => setAsk((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    Promise.all([api['display.context']({}), api['settings.get']({})])
      .then(([context, settings]) => live && setState((s) => ({ context, settings, version: s.version + 1 })))
      .catch((err: unknown) => live && onError(err));
    return () => {
      live = false;
    };
  }, [api, ask, onError]);

  return useMemo(() => {
    const policies = new Map((state.context?.policies ?? []).map((p) => [p.id, p]));
    const policyOf = (id: string) => policies.get(id);
    const decider = state.context === null ? null : displayDecider(policyOf, state.context.viewer);
    const decide = (note: Pick<NoteMeta, 'label' | 'display'>): DisplayDecision => {
      if (decider === null) return note.display;
      const local = decider(note.label);
      if (!local.show || note.display.show) return local;
      // Main withheld it when the page was drawn: only a cap lifted since may have changed that
      // (a revocation main knows of and the context not yet must still win).
      return note.display.reasons.every((r) => r.code === 'above_workstation_ceiling' || r.code === 'above_session_mode') ? local : note.display;
    };
    return { context: state.context, settings: state.settings, policyOf, decide, version: state.version, reload };
  }, [state, reload]);
}
