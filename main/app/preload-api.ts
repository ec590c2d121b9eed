import { CALL_NAMES, ipcChannel, type CallInput, type CallName } from '../../shared/api/contract';
import { AppEvent } from '../../shared/api/events';
import { CallResult } from '../../shared/errors';

/**
 * What the preload puts on window.entente: one function per contract call, answering with the
 * CallResult unchanged. Errors cannot cross contextBridge with their code, so failures stay values
 * and the renderer's client unwraps them.
 */
export type IpcApi = { readonly [N in CallName]: (input?: CallInput<N>) => Promise<CallResult> };

export type Invoke = (channel: string, input: unknown) => Promise<unknown>;

const BROKEN: CallResult = {
  ok: false,
  error: { code: 'internal', message: 'The request failed inside Entente.' },
};

/** Builds the API over `invoke` (ipcRenderer.invoke in the preload). Exactly the contract's calls, nothing generic. */
export function makeIpcApi(invoke: Invoke): IpcApi {
  const api: Partial<Record<CallName, (input?: unknown) => Promise<CallResult>>> = {};
  for (const name of CALL_NAMES) {
    const channel = ipcChannel(name);
    api[name] = async (input?: unknown) => {
      try {
        const answer = CallResult.safeParse(await invoke(channel, input));
        return answer.success ? answer.data : BROKEN;
      } catch {
        // A missing handler or a torn-down window rejects the invoke; the renderer still gets a coded result.
        return BROKEN;
      }
    };
  }
  return Object.freeze(api as IpcApi);
}

/** Registers a raw listener on the event channel (ipcRenderer.on in the preload); returns its removal. */
export type RawSubscribe = (listener: (payload: unknown) => void) => () => void;

/**
 * window.entente.onEvent: main's events, each checked against the schema before the page sees it.
 * The page never gets Electron's event object (it carries the sender), only the parsed payload.
 */
export function makeEventFeed(subscribe: RawSubscribe): (listener: (event: AppEvent) => void) => () => void {
  return (listener) =>
    subscribe((payload) => {
      const parsed = AppEvent.safeParse(payload);
      if (parsed.success) listener(parsed.data);
    });
}
