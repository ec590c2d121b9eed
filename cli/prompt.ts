import { EntenteError } from '../shared/errors';

/**
 * Reads a line from the terminal without echoing it (passphrases). Only offered when stdin is a TTY:
 * in a pipe, a prompt would either hang or read the next command's input.
 */
export function terminalSecretReader(): ((prompt: string) => Promise<string>) | undefined {
  const stdin = process.stdin;
  if (!stdin.isTTY) return undefined;
  return (prompt) =>
    new Promise((resolve, reject) => {
      process.stderr.write(prompt);
      let text = '';
      const done = (err: Error | null) => {
        stdin.setRawMode(false);
        stdin.pause();
        stdin.off('data', onData);
        process.stderr.write('\n');
        if (err) reject(err);
        else resolve(text);
      };
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return done(null);
          if (ch === '\u0003') return done(new EntenteError('passphrase_required', 'cancelled at the passphrase prompt'));
          if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
          else if (ch >= ' ') text += ch;
        }
      };
      stdin.setRawMode(true);
      stdin.resume();
      stdin.on('data', onData);
    });
}
