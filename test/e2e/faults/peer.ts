// A sending or receiving officer as its own process, for the delivery fault tests
// (test/e2e/delivery-faults.test.ts): bundled with esbuild at test start and SIGKILLed at will.
//
//   node peer.mjs send    --profile P --relay URL --channel ID --prefix X --count N [--label MARKING] [--pace MS]
//   node peer.mjs receive --profile P --relay URL --expect X:N[,Y:M…]
//
// Both run the real sync engine (SyncSession.start(): login, publish, directory, deliveries into the
// receive pipeline, outbox flushes, reconnection with backoff) on a real profile (the passphrase in
// ENTENTE_PASSPHRASE). `send` composes the notes "X-0" … "X-(N-1)" that the profile does not hold
// yet — so a restarted sender composes only what it had not — then flushes until its outbox holds
// nothing queued. `receive` runs until the profile holds every expected note and the relay has
// nothing more for it. Each prints one JSON object per line on stdout: what it composed, what the
// relay stored or refused, what it received, and "done".
import { parseArgs } from 'node:util';
import { wipe, sodiumReady } from '../../../main/crypto/sodium';
import { openKeystore } from '../../../main/identity/keystore';
import { passphraseBytes } from '../../../main/identity/passphrase';
import { createMessagingContext, type MessagingContext } from '../../../main/messaging/context';
import { sendNote } from '../../../main/messaging/send';
import { SyncSession } from '../../../main/messaging/sync';
import { shippedPolicyTexts } from '../../../main/policy/shipped';
import { labelFromMarking } from '../../../cli/relay-session';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    profile: { type: 'string' },
    relay: { type: 'string' },
    channel: { type: 'string' },
    prefix: { type: 'string' },
    count: { type: 'string' },
    label: { type: 'string', default: 'NATO RESTRICTED' },
    expect: { type: 'string' },
    /** A pause after each note composed: a steady stream instead of one burst. */
    pace: { type: 'string', default: '0' },
  },
});

const emit = (event: Record<string, unknown>) => void process.stdout.write(`${JSON.stringify(event)}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const need = (name: string, v: string | undefined): string => {
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
};

/** The notes "PREFIX-i" this profile holds, in one direction: i → number of copies. */
function held(ctx: MessagingContext, direction: 'in' | 'out'): Map<string, number> {
  const rows = ctx.profile.db.connection.prepare("SELECT body FROM notes WHERE kind = 'note' AND direction = ?").all([direction]);
  const out = new Map<string, number>();
  for (const r of rows) out.set(String(r.body), (out.get(String(r.body)) ?? 0) + 1);
  return out;
}

async function send(ctx: MessagingContext, session: SyncSession): Promise<void> {
  const channelId = need('channel', values.channel);
  const prefix = need('prefix', values.prefix);
  const count = Number(need('count', values.count));
  const pace = Number(values.pace);
  const { label } = labelFromMarking(ctx.registry, values.label, 'en');
  const have = held(ctx, 'out');
  let composed = 0;
  for (let i = 0; i < count; i++) {
    const text = `${prefix}-${i}`;
    if (have.has(text)) continue;
    const sent = sendNote(ctx, { channelId, label, text });
    emit({ e: 'composed', i, id: sent.note.noteId });
    composed += 1;
    if (pace > 0) {
      void session.flush().catch(() => {});
      await sleep(pace);
    } else if (composed % 10 === 0) {
      // Let the flush run alongside the composing: the burst is in flight, not queued behind it.
      void session.flush().catch(() => {});
      await sleep(1);
    }
  }
  emit({ e: 'composed_all', composed });
  for (;;) {
    await session.flush().catch(() => {});
    const queued = ctx.notes.outbox().filter((e) => e.state === 'queued' && e.channelId === channelId).length;
    if (queued === 0) break;
    await sleep(200);
  }
}

async function receive(ctx: MessagingContext, session: SyncSession): Promise<void> {
  const expected = need('expect', values.expect)
    .split(',')
    .map((part) => {
      const [prefix, n] = part.split(':');
      return { prefix: prefix as string, count: Number(n) };
    });
  const total = expected.reduce((n, x) => n + x.count, 0);
  for (;;) {
    const have = held(ctx, 'in');
    const got = expected.reduce((n, x) => n + Array.from({ length: x.count }, (_, i) => have.has(`${x.prefix}-${i}`)).filter(Boolean).length, 0);
    emit({ e: 'progress', got, total });
    if (got === total) break;
    await sleep(250);
  }
  // Everything delivered is acknowledged before leaving (what is not would only come again).
  await session.drained(20_000).catch(() => {});
}

async function main(): Promise<void> {
  const mode = positionals[0];
  if (mode !== 'send' && mode !== 'receive') throw new Error('mode: send or receive');
  await sodiumReady();
  const passphrase = passphraseBytes(process.env.ENTENTE_PASSPHRASE ?? '');
  const profile = await openKeystore(need('profile', values.profile)).unlock(passphrase).finally(() => wipe(passphrase));
  const ctx = createMessagingContext(profile, { fallbackSpifs: shippedPolicyTexts() });
  const session = new SyncSession(ctx, {
    url: need('relay', values.relay),
    fallbackSpifs: shippedPolicyTexts(),
    // Quick retries: a test waits for them.
    retry: { baseMs: 300, maxMs: 1500 },
    clientOptions: { backoff: { baseMs: 100, maxMs: 800 } },
    maintenanceMs: 500,
  });
  session.on((e) => {
    if (e.type === 'delivery' && e.state !== 'sent') emit({ e: e.state, id: e.noteId, ...(e.code === undefined ? {} : { code: e.code }) });
    else if (e.type === 'received') emit({ e: 'received', id: e.noteId });
    else if (e.type === 'rejected') emit({ e: 'rejected', id: e.noteId, code: e.code });
    else if (e.type === 'connection') emit({ e: 'connection', state: e.state });
    else if (e.type === 'error') emit({ e: 'error', code: e.code });
  });
  session.start();
  try {
    await (mode === 'send' ? send(ctx, session) : receive(ctx, session));
  } finally {
    await session.close();
    profile.lock();
  }
  emit({ e: 'done' });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
