import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadTrustCards, silentLogger, startRelay, type RunningRelay } from '../../../relay/server';
import { desktop, removePristineDemo, type Desktop } from '../../helpers/desktop';
import { until } from '../../helpers/until';

/**
 * While a profile is unlocked and a relay is known, the Service keeps a sync session running; it
 * stops with the lock. Camille sends through the Service, Alex's Service receives it, Camille's
 * sees it delivered: the demo's own relay on loopback, real sockets.
 */
let d: Desktop;
let relay: RunningRelay;
beforeAll(async () => {
  d = await desktop();
  relay = await startRelay({ host: '127.0.0.1', port: 0, dataDir: join(d.demoDir, 'relay'), trustCards: loadTrustCards(d.manifest.cards.map((c) => join(d.demoDir, c))), logger: silentLogger });
  d.restart({ sync: true, relayUrl: relay.wsUrl });
}, 120_000);
afterAll(async () => {
  await d.close();
  await relay.close();
  removePristineDemo();
});

describe('the sync session of an unlocked profile', () => {
  it('connects at unlock, sends, receives and learns of delivery, and stops at lock', async () => {
    const channelId = d.manifest.channelId;
    await d.unlockDemo('camille');
    await until('camille connected', async () => {
      const s = await d.call('session.status');
      return s.state === 'unlocked' && s.relay?.state === 'ready' ? s : undefined;
    });
    const nato = { policyId: '1.3.26.1.3.1', classification: 2, categories: [] };
    const { note } = await d.call('compose.send', { channelId, label: nato, text: 'Through the relay.' });
    await until('stored at the relay', async () => {
      const page = await d.call('notes.page', { channelId, limit: 1 });
      return page.notes[0]?.noteId === note.noteId && page.notes[0].delivery?.state === 'stored' ? true : undefined;
    });
    const session = await d.service.core.sessions.require();
    const client = session.syncSession?.client;
    await d.call('profile.lock');
    expect(client?.state).toBe('closed');
    expect(await d.call('session.status')).toEqual({ state: 'locked' });

    await d.unlockDemo('alex');
    const received = await until('alex received it', async () => {
      const page = await d.call('notes.page', { channelId, limit: 1 });
      return page.notes[0]?.noteId === note.noteId ? page.notes[0] : undefined;
    });
    expect(received).toMatchObject({ direction: 'in', sender: { officerId: 'camille' }, display: { show: true } });
    expect((await d.call('notes.body', { noteId: note.noteId })).body).toBe('Through the relay.');
    await d.call('profile.lock');

    await d.unlockDemo('camille');
    const delivered = await until('camille learns alex has it', async () => {
      const page = await d.call('notes.page', { channelId, limit: 1 });
      const alex = page.notes[0]?.delivery?.recipients.find((r) => r.officerId === 'alex');
      return alex?.state === 'delivered' ? alex : undefined;
    });
    expect(delivered.state).toBe('delivered');
  }, 60_000);

  it('a relay set in the settings replaces the default, and none means no session', async () => {
    await d.unlockDemo('lucas');
    await until('lucas connected', async () => ((await d.call('session.status')).state === 'unlocked' ? true : undefined));
    await d.call('settings.set', { relayUrl: 'ws://127.0.0.1:1' });
    const s = await d.call('session.status');
    expect(s.state === 'unlocked' && s.relay?.url).toBe('ws://127.0.0.1:1');
    await d.call('settings.set', { relayUrl: null });
    const back = await d.call('session.status');
    expect(back.state === 'unlocked' && back.relay?.url).toBe(relay.wsUrl);
    await d.call('profile.lock');
  }, 30_000);
});
