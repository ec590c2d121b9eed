import { EntenteError } from '../shared/errors';
import { passphraseBytes } from '../main/identity/passphrase';
import type { Io } from './command';
import { readInputFile } from './files';

export type PassphraseKind = 'profile' | 'agency';

const ENV: Record<PassphraseKind, string> = { profile: 'ENTENTE_PASSPHRASE', agency: 'ENTENTE_AGENCY_PASSPHRASE' };

/** The option every command that needs a passphrase accepts. */
export const passphraseFileOption = { 'passphrase-file': { type: 'string' } } as const;

/**
 * A passphrase, from (in this order) --passphrase-file, the environment variable of its kind, or a
 * prompt on the terminal; `passphrase_required` when none is available. A file's single final line
 * break is dropped (editors add one). `confirm` asks twice at the prompt, for a new passphrase.
 * The caller wipes the returned bytes.
 */
export async function readPassphrase(io: Io, values: Record<string, unknown>, kind: PassphraseKind, options: { confirm?: boolean } = {}): Promise<Uint8Array> {
  const file = values['passphrase-file'];
  let text: string | undefined;
  if (typeof file === 'string') {
    text = readInputFile(file).toString('utf8').replace(/\r?\n$/, '');
  } else if (typeof io.env[ENV[kind]] === 'string' && io.env[ENV[kind]] !== '') {
    text = io.env[ENV[kind]];
  } else if (io.readSecret !== undefined) {
    const label = kind === 'agency' ? 'agency passphrase' : 'profile passphrase';
    text = await io.readSecret(`${options.confirm === true ? `New ${label}` : `${label[0]?.toUpperCase()}${label.slice(1)}`}: `);
    if (options.confirm === true && (await io.readSecret(`Repeat the ${label}: `)) !== text) {
      throw new EntenteError('invalid_input', 'the two passphrases differ');
    }
  }
  if (text === undefined || text === '') {
    throw new EntenteError('passphrase_required', `no ${kind} passphrase: set ${ENV[kind]}, give --passphrase-file, or run on a terminal`);
  }
  return passphraseBytes(text);
}
