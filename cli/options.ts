import { KDF_PARAMS, type KdfParams } from '../main/crypto/sodium';
import { Language } from '../shared/prefs';
import { UsageError } from './command';

/** Readers for parsed options: a missing required option is a usage error (exit 2). */
export function requiredString(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

export function optionalString(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function stringList(values: Record<string, unknown>, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function optionalInt(values: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return Number(v);
}

export const kdfOption = { kdf: { type: 'string' } } as const;

/** --kdf interactive|moderate|sensitive: the Argon2id cost of a new passphrase wrap. */
export function kdfParams(values: Record<string, unknown>, fallback: keyof typeof KDF_PARAMS): KdfParams {
  const v = optionalString(values, 'kdf');
  if (v === undefined) return KDF_PARAMS[fallback];
  const key = v.toUpperCase();
  if (key !== 'INTERACTIVE' && key !== 'MODERATE' && key !== 'SENSITIVE') throw new UsageError('--kdf must be interactive, moderate or sensitive');
  return KDF_PARAMS[key];
}

/** --valid-from: a date (YYYY-MM-DD, midnight UTC) or a UTC time; default now. */
export function instantOption(values: Record<string, unknown>, name: string, fallback: number): number {
  const v = optionalString(values, name);
  if (v === undefined) return fallback;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v;
  const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/.test(iso) ? Date.parse(iso) : NaN;
  if (!Number.isFinite(t)) throw new UsageError(`--${name} must be a date (2026-05-01) or a UTC time (2026-05-01T08:00:00Z)`);
  return t;
}

/** --lang en|fr: the language markings are rendered and read in; default English. */
export function langOption(values: Record<string, unknown>): Language {
  const parsed = Language.safeParse(optionalString(values, 'lang') ?? 'en');
  if (!parsed.success) throw new UsageError('--lang must be en or fr');
  return parsed.data;
}
