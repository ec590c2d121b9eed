import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EntenteError } from '../shared/errors';
import type { KdfParams } from '../main/crypto/sodium';
import { DEMO_AGENCIES, DEMO_CHANNEL, DEMO_NOTES, DEMO_OFFICERS } from '../main/demo/cast';
import { demoPaths, setUpDemoTrust } from '../main/demo/trust-setup';
import type { Profile } from '../main/identity/profile';
import { createChannel, createMessagingContext, sendNote, syncOnce, type MessagingContext } from '../main/messaging';
import { parseLabelMarking } from '../main/policy';
import { shippedPolicyTexts } from '../main/policy/shipped';
import { AgencyFolder } from '../main/trust/agency-folder';
import { encodeSigned } from '../main/trust/signed';
import { loadTrustCards, silentLogger, startRelay } from '../relay/server';

/**
 * The demo alliance `npm start` opens on first run (docs/DEMO.md): built once in a scratch folder and
 * renamed into place, so an interrupted first run leaves nothing half made, then reused. Its notes
 * really went through a relay: every profile holds exactly what its officer may read.
 */
export const DemoManifest = z.strictObject({
  version: z.literal(1),
  created: z.string(),
  channelId: z.string(),
  /** Relative to the demo folder, so the folder can move. */
  relayData: z.string(),
  cards: z.array(z.string()),
  agencies: z.array(z.strictObject({ id: z.string(), name: z.string(), country: z.string(), dir: z.string(), passphrase: z.string() })),
  officers: z.array(z.strictObject({ agency: z.string(), officerId: z.string(), name: z.string(), clearance: z.string(), profile: z.string(), passphrase: z.string() })),
});
export type DemoManifest = z.infer<typeof DemoManifest>;

const MANIFEST = 'demo.json';

export function readDemoManifest(root: string): DemoManifest | null {
  const path = join(root, MANIFEST);
  if (!existsSync(path)) return null;
  const parsed = DemoManifest.safeParse((() => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as unknown;
    } catch {
      return null;
    }
  })());
  if (!parsed.success) throw new EntenteError('file_unreadable', `${path} is damaged; remove the folder ${root} to create the demo again`);
  return parsed.data;
}

export async function ensureDemoAlliance(root: string, options: { kdf: KdfParams; now?: number }): Promise<{ manifest: DemoManifest; created: boolean }> {
  const held = readDemoManifest(root);
  if (held !== null) return { manifest: held, created: false };
  if (existsSync(root)) throw new EntenteError('invalid_input', `${root} exists but holds no finished demo; remove it to create the demo again`);
  const scratch = `${root}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true, mode: 0o700 });
  try {
    const manifest = await build(scratch, options.kdf, options.now ?? Date.now());
    writeFileSync(join(scratch, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    renameSync(scratch, root);
    return { manifest, created: true };
  } catch (err) {
    rmSync(scratch, { recursive: true, force: true });
    throw err;
  }
}

async function build(root: string, kdf: KdfParams, now: number): Promise<DemoManifest> {
  const paths = demoPaths(root);
  const profiles = await setUpDemoTrust(paths, kdf, now);
  const cards = DEMO_AGENCIES.map((a) => {
    const path = join('cards', `${a.id}.json`);
    mkdirSync(join(root, 'cards'), { recursive: true, mode: 0o700 });
    writeFileSync(join(root, path), encodeSigned(AgencyFolder.open(paths.agency(a.id)).card), { mode: 0o600 });
    return path;
  });
  const relay = await startRelay({ host: '127.0.0.1', port: 0, dataDir: paths.relay, trustCards: loadTrustCards(cards.map((c) => join(root, c))), logger: silentLogger });
  let channelId: string;
  try {
    const ctx = (officerId: string): MessagingContext => createMessagingContext(profiles.get(officerId) as Profile, { fallbackSpifs: shippedPolicyTexts() });
    const sync = (officerId: string) => syncOnce(ctx(officerId), { url: relay.wsUrl, fallbackSpifs: shippedPolicyTexts() });
    // Everyone publishes a credential and prekey first, so the sender can seal to them.
    for (const o of DEMO_OFFICERS) await sync(o.officerId);
    const sender = ctx('camille');
    await syncOnce(sender, { url: relay.wsUrl, fallbackSpifs: shippedPolicyTexts() });
    const others = DEMO_OFFICERS.filter((o) => o.officerId !== 'camille').map((o) => ({ agency: o.agency, officerId: o.officerId }));
    channelId = createChannel(sender, { name: DEMO_CHANNEL, members: others }).channelId;
    const nato = sender.registry.list().find((p) => p.name === 'NATO');
    if (nato === undefined) throw new EntenteError('label_unknown_policy', 'the NATO policy is not loaded');
    for (const n of DEMO_NOTES) sendNote(ctx(n.from), { channelId, label: parseLabelMarking(nato, n.marking), text: n.text });
    // Camille's outbox goes out, the others take delivery, then Camille reads their receipts.
    for (const officerId of ['camille', ...others.map((o) => o.officerId), 'camille']) await sync(officerId);
  } finally {
    await relay.close();
    for (const p of profiles.values()) p.lock();
  }
  return {
    version: 1,
    created: new Date(now).toISOString(),
    channelId,
    relayData: 'relay',
    cards,
    agencies: DEMO_AGENCIES.map((a) => ({ id: a.id, name: a.name, country: a.country, dir: join('agencies', a.id), passphrase: a.passphrase })),
    officers: DEMO_OFFICERS.map((o) => ({ agency: o.agency, officerId: o.officerId, name: o.name, clearance: o.clearance, profile: join('profiles', o.officerId), passphrase: o.passphrase })),
  };
}
