import { contract, isCallName } from '../../shared/api/contract';
import { EntenteError, type CallResult } from '../../shared/errors';
import type { Handlers } from './service';

export type Logger = (event: string, fields?: Record<string, string | number | boolean>) => void;

/**
 * Runs one API call for either transport: checks the name, parses the input with the call's schema,
 * runs the handler and parses its output. Never throws; failures come back as a coded result, and an
 * unexpected error is reported without its message, which could carry protected data.
 */
export async function dispatch(handlers: Handlers, name: unknown, input: unknown, log: Logger = () => {}): Promise<CallResult> {
  if (!isCallName(name)) {
    return { ok: false, error: { code: 'unknown_call', message: 'That request is not part of the Entente API.' } };
  }
  const spec = contract[name];
  const parsed = spec.input.safeParse(input ?? {});
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'input';
    return { ok: false, error: { code: 'invalid_input', message: `The request was refused: ${where} is not valid.` } };
  }
  try {
    // The contract types tie each handler to its schema; indexing by a union name loses that link.
    const handler = handlers[name] as (value: unknown) => Promise<unknown>;
    const value = await handler.call(handlers, parsed.data);
    return { ok: true, value: spec.output.parse(value) };
  } catch (err) {
    // The wire allows 500 characters of message; a longer one (several reasons listed) is cut, never lost whole.
    if (err instanceof EntenteError) return { ok: false, error: { code: err.code, message: err.message.slice(0, 500) } };
    log('call_failed', { call: name });
    return { ok: false, error: { code: 'internal', message: 'The request failed inside Entente.' } };
  }
}
