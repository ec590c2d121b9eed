import { jsonLineLogger, loadTrustCards, startRelay } from '../../relay/server';
import { UsageError, type Command } from '../command';
import { optionalInt, optionalString, requiredString, stringList } from '../options';

const DAY_MS = 86_400_000;

/** HOST:PORT, with [brackets] around an IPv6 host. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || !Number.isInteger(port) || port > 65_535) throw new UsageError('--listen must be HOST:PORT, e.g. 127.0.0.1:7443 or [::1]:7443 (port 0 picks a free one)');
  return { host: (m[1] ?? m[2]) as string, port };
}

export const relayCommand: Command = {
  path: ['relay'],
  summary: 'run the store-and-forward relay for the agencies whose cards it is given',
  usage: [
    'entente relay --listen HOST:PORT --data DIR --trust CARD.json [--trust CARD.json]...',
    '              [--retention-days N] [--relay-id URL]',
    '',
    'Prints the WebSocket URL officers give as --relay, then logs one JSON object per line on stderr.',
    'Only officers of the agencies whose cards are given may log in. SIGTERM or SIGINT stops it cleanly',
    '(exit 0). --relay-id is the public URL when a TLS proxy is in front. Operation: docs/RELAY.md.',
  ].join('\n'),
  options: { listen: { type: 'string' }, data: { type: 'string' }, trust: { type: 'string', multiple: true }, 'retention-days': { type: 'string' }, 'relay-id': { type: 'string' } },
  async run(values, _positionals, io) {
    const { host, port } = parseListen(requiredString(values, 'listen'));
    const dataDir = requiredString(values, 'data');
    const cardFiles = stringList(values, 'trust');
    if (cardFiles.length === 0) throw new UsageError('give at least one --trust CARD.json');
    const days = optionalInt(values, 'retention-days', 1, 3650);
    const relayId = optionalString(values, 'relay-id');
    const trustCards = loadTrustCards(cardFiles);

    // Armed before starting, so a signal during the start is not lost.
    let signalled: (name: string) => void = () => {};
    const stop = new Promise<string>((resolve) => (signalled = resolve));
    const onSignal = (name: NodeJS.Signals) => signalled(name);
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    try {
      const relay = await startRelay({
        host,
        port,
        dataDir,
        trustCards,
        ...(days === undefined ? {} : { retentionMs: days * DAY_MS }),
        ...(relayId === undefined ? {} : { relayId }),
        logger: jsonLineLogger((line) => io.err(line.replace(/\n$/, ''))),
      });
      io.out(relay.wsUrl);
      await stop;
      await relay.close();
      return 0;
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
  },
};
