import type { ReactElement } from 'react';
import { I18nextProvider } from 'react-i18next';
import { render } from '@testing-library/react';
import { ApiError } from '../../renderer/src/api/client';
import { createI18n } from '../../renderer/src/i18n';
import type { CallName, CallOutput, EntenteApi } from '../../shared/api/contract';
import type { ErrorCode } from '../../shared/errors';
import type { Language } from '../../shared/prefs';

type Handler<N extends CallName> = (input: Parameters<EntenteApi[N]>[0]) => CallOutput<N> | Promise<CallOutput<N>>;
export type Handlers = { [N in CallName]?: Handler<N> };

/** A fake API: the given handlers, every call recorded; an unlisted call fails as the Service would for an unknown one. */
export function fakeApi(handlers: Handlers): { api: EntenteApi; calls: { name: CallName; input: unknown }[] } {
  const calls: { name: CallName; input: unknown }[] = [];
  const api = new Proxy({} as EntenteApi, {
    get: (_target, name: string) => async (input: unknown) => {
      calls.push({ name: name as CallName, input });
      const handler = (handlers as Record<string, ((i: unknown) => unknown) | undefined>)[name];
      if (handler === undefined) throw new ApiError('unknown_call', `no fake for ${name}`);
      return handler(input);
    },
  });
  return { api, calls };
}

export const refuse = (code: ErrorCode): never => {
  throw new ApiError(code, `refused: ${code}`);
};

/** Renders a view inside its own i18n instance, as App does. */
export function renderIn(ui: ReactElement, language: Language = 'en') {
  const i18n = createI18n(language);
  return { i18n, ...render(<I18nextProvider i18n={i18n}>{ui}</I18nextProvider>) };
}
