import { CALL_NAMES, ipcChannel } from '../../shared/api/contract';
import type { CallResult } from '../../shared/errors';
import { dispatch, type Logger } from '../core/dispatch';
import type { Handlers } from '../core/service';
import { APP_ORIGIN, isAppOriginUrl } from './app-origin';

/** The parts of Electron's IpcMainInvokeEvent the sender check reads; structural so tests can drive it. */
export interface SenderFrameLike {
  readonly url: string;
  readonly origin: string;
  readonly parent: unknown;
}
export interface InvokeEventLike {
  readonly senderFrame: SenderFrameLike | null;
  readonly sender: { readonly id: number };
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<CallResult>): void;
}

/** The webContents of the one window whose top frame may call the API; null while there is none. */
export type TrustedContents = () => { readonly id: number } | null;

const FORBIDDEN: CallResult = {
  ok: false,
  error: { code: 'forbidden_origin', message: 'The request did not come from the Entente window.' },
};

/**
 * Accepts a call only from the top frame of our own window while it shows our origin. The frame's
 * URL and its security origin are both checked: a sandboxed or srcdoc frame can carry an app:// URL
 * with an opaque origin. A frame that navigated or was destroyed has no senderFrame and is refused.
 */
export function isTrustedSender(event: InvokeEventLike, trusted: TrustedContents): boolean {
  const expected = trusted();
  const frame = event.senderFrame;
  if (expected === null || frame === null || event.sender.id !== expected.id) return false;
  try {
    return frame.parent === null && frame.origin === APP_ORIGIN && isAppOriginUrl(frame.url);
  } catch {
    // Reading a disposed frame's properties throws; such a sender is not trusted.
    return false;
  }
}

/**
 * Registers one ipcMain.handle per contract call. Every handler checks the sender before anything
 * else, then lets dispatch validate the input against the call's schema, so the Service only ever
 * sees parsed input from our renderer. Handlers answer with a CallResult and never throw: a thrown
 * error would reach the renderer without its code.
 */
export function registerIpcHandlers(ipc: IpcMainLike, handlers: Handlers, trusted: TrustedContents, log: Logger = () => {}): void {
  for (const name of CALL_NAMES) {
    ipc.handle(ipcChannel(name), async (event, input) => {
      if (!isTrustedSender(event, trusted)) {
        log('ipc_forbidden_sender', { call: name });
        return FORBIDDEN;
      }
      return dispatch(handlers, name, input, log);
    });
  }
}
