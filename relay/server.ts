import { createServer } from 'node:http';

export interface RelayOptions {
  host: string;
  port: number;
}

export interface RunningRelay {
  url: string;
  close(): Promise<void>;
}

/**
 * The store-and-forward relay's process shell: health endpoint and graceful shutdown. The envelope
 * store, directory and WebSocket protocol arrive with the delivery issue (docs/RELAY.md).
 */
export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ status: 'ok' }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('relay did not bind a TCP port');
  return {
    url: `http://${options.host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
