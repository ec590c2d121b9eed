import { contract, type CallName, type EntenteApi, CALL_NAMES } from '../../../shared/api/contract';
import { CallResult, type ErrorCode } from '../../../shared/errors';

/** Sends one call and resolves with the raw CallResult the other side returned. */
export type Transport = (name: CallName, input: unknown) => Promise<unknown>;

/** An API failure as the views see it: a stable code to translate, and the English sentence. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/**
 * The renderer's typed API over any transport. Answers are checked against the contract here too,
 * so a view never renders a shape the contract does not promise.
 */
export function createClient(transport: Transport): EntenteApi {
  const api: Partial<Record<CallName, (input: unknown) => Promise<unknown>>> = {};
  for (const name of CALL_NAMES) {
    api[name] = async (input: unknown) => {
      const raw = await transport(name, input);
      const result = CallResult.safeParse(raw);
      if (!result.success) throw new ApiError('internal', 'Entente returned an answer the app does not understand.');
      if (!result.data.ok) throw new ApiError(result.data.error.code, result.data.error.message);
      const value = contract[name].output.safeParse(result.data.value);
      if (!value.success) throw new ApiError('internal', 'Entente returned an answer the app does not understand.');
      return value.data;
    };
  }
  // Every name was filled in the loop above; the mapped type cannot follow that.
  return api as EntenteApi;
}
