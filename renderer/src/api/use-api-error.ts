import { ApiError } from './client';

/** The i18n key for an error the views show: the API's stable code, or a lost connection. */
export function errorKey(err: unknown): string {
  return err instanceof ApiError ? `errors.${err.code}` : 'errors.connection';
}
