// Desktop benchmark (issue 8): open a 100,000-note channel in the real renderer (Debian Chromium, the
// browser bridge, a real Service over a demo profile filled through the note store) and scroll it.
// `npm run bench desktop` (run `npm run build` first: the renderer is served from dist/renderer).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ensureDemoAlliance } from '../../cli/demo-alliance';
import { startBridge } from '../../main/bridge/server';
import { dispatch } from '../../main/core/dispatch';
import { FilePrefsStore } from '../../main/core/file-prefs-store';
import { Service } from '../../main/core/service';
import { KDF_PARAMS, sodiumReady } from '../../main/crypto/sodium';
import { openKeystore } from '../../main/identity/keystore';
import { passphraseBytes } from '../../main/identity/passphrase';
import { NoteStore, type NewNote } from '../../main/store/note-store';
import type { Label } from '../../shared/labels/model';

/** Goals from the issue: the channel paints within 300 ms, and scrolling keeps every frame under 16 ms. */
const GOAL_PAINT_MS = 300;
const GOAL_FRAME_MS = 16;
const NOTES = 100_000;
const BATCH = 2_000;
const OPENS = 15;
const FRAMES = 400;

const NATO = '1.3.26.1.3.1';
const LABELS: Label[] = [1, 2, 3, 4].map((classification) => ({ policyId: NATO, classification, categories: [] }));
const WORDS = 'convoy border liaison report route checkpoint morning source confirmed partner agency team briefing port harbour signal'.split(' ');

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { median: at(0.5), p95: at(0.95), max: s.at(-1) ?? NaN };
};
const line = (what: string, value: string, ratio: number) => {
  console.log(`${what.padEnd(56)} ${value.padStart(14)}   ${ratio.toFixed(2)}× the goal ${ratio >= 1 ? 'OK' : 'UNDER'}`);
  if (!(ratio >= 1)) process.exitCode = 1;
};

if (!existsSync('dist/renderer/index.html')) throw new Error('run `npm run build` first: dist/renderer is missing');
await sodiumReady();
const dir = mkdtempSync(join(tmpdir(), 'entente-bench-desktop-'));
const closers: (() => Promise<unknown>)[] = [];
try {
  const demoDir = join(dir, 'demo');
  const { manifest } = await ensureDemoAlliance(demoDir, { kdf: KDF_PARAMS.INTERACTIVE });
  const camille = manifest.officers.find((o) => o.officerId === 'camille');
  if (camille === undefined) throw new Error('the demo has no camille');

  // Fill Camille's channel through the note store, as received notes would be.
  const started = performance.now();
  const profile = await openKeystore(join(demoDir, camille.profile)).unlock(passphraseBytes(camille.passphrase));
  const store = new NoteStore(profile.db);
  const peers = manifest.officers.map((o) => ({ agency: o.agency, officerId: o.officerId }));
  const t0 = Date.now() - NOTES * 1000;
  for (let b = 0; b < NOTES / BATCH; b++) {
    const batch: NewNote[] = [];
    for (let i = 0; i < BATCH; i++) {
      const k = b * BATCH + i;
      const sender = peers[k % peers.length] as (typeof peers)[number];
      const text = Array.from({ length: 12 + (k % 30) }, (_, j) => WORDS[(k * 7 + j * 3) % WORDS.length]).join(' ');
      batch.push({ noteId: `bench-${k.toString(36).padStart(6, '0')}`, channelId: manifest.channelId, direction: sender.officerId === 'camille' ? 'out' : 'in', kind: 'note', sender: { ...sender, serial: 1 }, senderSeq: 1_000 + k, sentAt: t0 + k * 1000, receivedAt: t0 + k * 1000 + 200, label: LABELS[k % LABELS.length] as Label, body: text });
    }
    store.insertNotes(batch);
  }
  profile.lock();
  console.log(`filled the demo channel with ${NOTES.toLocaleString('en')} notes in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const dataDir = join(dir, 'userdata');
  const service = new Service({ version: 'bench', mode: 'bridge', platform: process.platform, prefs: new FilePrefsStore(dataDir), dataDir, demoDir, relayUrl: null, sync: false, kdf: KDF_PARAMS.INTERACTIVE });
  closers.push(() => service.shutdown());
  const unlocked = await dispatch(service, 'profile.unlock', { profileId: 'demo:camille', passphrase: camille.passphrase });
  if (!unlocked.ok) throw new Error(`unlock failed: ${unlocked.error.code}`);
  const bridge = await startBridge({ handlers: service, staticDir: 'dist/renderer' });
  closers.push(() => bridge.close());

  // Debian's Chromium, headless; without the frame-rate cap rAF runs as fast as frames are made, so
  // its deltas are the frames' real cost rather than the 60 Hz vsync interval.
  const profileDir = mkdtempSync(join(tmpdir(), 'entente-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.ENTENTE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-frame-rate-limit', '--disable-gpu-vsync'],
    viewport: { width: 1100, height: 900 },
  });
  closers.push(async () => {
    await context.close();
    rmSync(profileDir, { recursive: true, force: true });
  });
  const page = await context.newPage();

  // Cold: from navigation to the first note of the newest page painted.
  await page.goto(bridge.url);
  await page.locator('article[data-testid^="note-"], article[data-testid^="redacted-"]').first().waitFor({ timeout: 60_000 });
  const cold = await page.evaluate(() => performance.now());
  console.log(`cold start (page load, unlocked session, first note painted): ${cold.toFixed(0)} ms`);

  // Warm: leave the channel and come back, OPENS times; from the click to the frame that shows the first note.
  const opens: number[] = [];
  for (let i = 0; i < OPENS; i++) {
    await page.getByTestId('nav-partners').click();
    await page.locator('article[data-testid^="note-"]').first().waitFor({ state: 'detached' });
    opens.push(
      await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const start = performance.now();
            const done = () => requestAnimationFrame(() => resolve(performance.now() - start));
            const seen = () => document.querySelector('article[data-testid^="note-"], article[data-testid^="redacted-"]') !== null;
            const observer = new MutationObserver(() => {
              if (!seen()) return;
              observer.disconnect();
              done();
            });
            observer.observe(document.body, { childList: true, subtree: true });
            (document.querySelector('[data-testid="nav-channels"]') as HTMLButtonElement).click();
          }),
      ),
    );
  }
  const total = await page.locator('#conversation-title').textContent();
  console.log(`channel: ${total ?? '?'}`);
  const open = stats(opens);
  line('open the 100,000-note channel: first paint (median)', `${open.median.toFixed(1)} ms`, GOAL_PAINT_MS / open.median);
  line('open the 100,000-note channel: first paint (p95)', `${open.p95.toFixed(1)} ms`, GOAL_PAINT_MS / open.p95);

  // Peer in the same run: the same page left idle, frame after frame (what this machine's compositor costs).
  const idle = stats(
    await page.evaluate(
      (frames) =>
        new Promise<number[]>((resolve) => {
          const out: number[] = [];
          let last = -1;
          const step = (ts: number) => {
            if (last >= 0) out.push(ts - last);
            last = ts;
            if (out.length < frames) requestAnimationFrame(step);
            else resolve(out);
          };
          requestAnimationFrame(step);
        }),
      120,
    ),
  );
  console.log(`peer: idle frames on the same page, median ${idle.median.toFixed(2)} ms, p95 ${idle.p95.toFixed(2)} ms`);

  const cdp = process.env.BENCH_PROFILE ? await context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  // Scroll: a steady wheel-like scroll down, one step per frame, then a fling far into the history.
  const deltas = await page.evaluate(
    (frames) =>
      new Promise<number[]>((resolve) => {
        const list = document.querySelector('[data-testid="note-list"]') as HTMLElement;
        const out: number[] = [];
        let last = -1;
        let n = 0;
        const step = (ts: number) => {
          if (last >= 0) out.push(ts - last);
          last = ts;
          list.scrollTop += n < frames * 0.9 ? 120 : 40_000;
          n += 1;
          if (n <= frames) requestAnimationFrame(step);
          else resolve(out);
        };
        requestAnimationFrame(step);
      }),
    FRAMES,
  );
  if (cdp) {
    const { profile: prof } = await cdp.send('Profiler.stop');
    const self = new Map<string, number>();
    const byId = new Map(prof.nodes.map((n) => [n.id, n]));
    const dt = prof.timeDeltas ?? [];
    (prof.samples ?? []).forEach((id, i) => {
      const n = byId.get(id);
      const key = `${n?.callFrame.functionName || '(anon)'} ${n?.callFrame.url.split('/').pop() ?? ''}:${n?.callFrame.lineNumber ?? ''}`;
      self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
    });
    console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(0).padStart(6)} ms ${k}`).join('\n'));
  }
  const frame = stats(deltas);
  console.log(`scroll: ${deltas.length} frames, median ${frame.median.toFixed(2)} ms, max ${frame.max.toFixed(1)} ms`);
  line('scroll frame time (rAF deltas, p95)', `${frame.p95.toFixed(2)} ms`, GOAL_FRAME_MS / frame.p95);
  const drawn = await page.locator('article[data-testid^="note-"], article[data-testid^="redacted-"]').count();
  console.log(`rows in the DOM after scrolling: ${drawn} (virtualized)`);
} finally {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
