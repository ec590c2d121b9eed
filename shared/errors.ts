import { z } from 'zod';

/**
 * Every error that can reach a user carries one of these stable codes. The renderer translates the
 * code; the English message is the fallback for the CLI and logs. Later issues append codes here.
 */
export const ERROR_CODES = [
  'invalid_input',
  'unknown_call',
  'forbidden_origin',
  'unauthorized',
  'internal',
  'prefs_unreadable',
  'prefs_write_failed',
] as const;

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorPayload = z.object({
  code: ErrorCode,
  message: z.string().max(500),
});
export type ErrorPayload = z.infer<typeof ErrorPayload>;

export class EntenteError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EntenteError';
    this.code = code;
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}

/** The one shape every API answer takes on the wire, over IPC and over the bridge alike. */
export const CallResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorPayload }),
]);
export type CallResult = z.infer<typeof CallResult>;
