import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { AppEvent } from '../../../shared/api/events';
import type { NoteNotification } from '../../../shared/display';
import { loadTrustCards, silentLogger, startRelay, type RunningRelay } from '../../../relay/server';
import { EventHub } from '../../../main/core/event-hub';
import { Notifier } from '../../../main/core/notifier';
import { desktop, removePristineDemo, type Desktop } from '../../helpers/desktop';
import { until } from '../../helpers/until';

/**
 * Notifications through the real path: Camille's Service sends through the demo relay on loopback,
 * Alex's Service (its own copy of the demo) receives, and its events say what a notification may.
 * Content only at or below Alex's notification level, only when the note may be shown now; a batch
 * never carries content; nothing after a lock.
 */
const NATO = '1.3.26.1.3.1';
const nato = (classification: number) => ({ policyId: NATO, classification, categories: [] });
let sender: Desktop;
let receiver: Desktop;
let relay: RunningRelay;
const heard: AppEvent[] = [];

beforeAll(async () => {
  sender = await desktop();
  receiver = await desktop();
  relay = await startRelay({ host: '127.0.0.1', port: 0, dataDir: join(sender.demoDir, 'relay'), trustCards: loadTrustCards(sender.manifest.cards.map((c) => join(sender.demoDir, c))), logger: silentLogger });
  sender.restart({ sync: true, relayUrl: relay.wsUrl });
  receiver.restart({ sync: true, relayUrl: relay.wsUrl });
  receiver.service.onEvent((e) => heard.push(e));
  await sender.unlockDemo('camille');
  await receiver.unlockDemo('alex');
  await until('both connected', async () => {
    const [a, b] = await Promise.all([sender.call('session.status'), receiver.call('session.status')]);
    return a.state === 'unlocked' && a.relay?.state === 'ready' && b.state === 'unlocked' && b.relay?.state === 'ready' ? true : undefined;
  });
  // The demo's own notes arrive at Alex's first login; they are not what these tests look at.
  await new Promise((r) => setTimeout(r, 1500));
}, 120_000);
afterAll(async () => {
  await sender.close();
  await receiver.close();
  await relay.close();
  removePristineDemo();
});

const notifications = (): NoteNotification[] => heard.flatMap((e) => (e.kind === 'notification' ? [e.notification] : []));

/** Camille sends; resolves with the notification that announced it at Alex's. */
async function sendAndHear(classification: number, text: string): Promise<NoteNotification> {
  const before = notifications().length;
  const { note } = await sender.call('compose.send', { channelId: sender.manifest.channelId, label: nato(classification), text });
  await until('alex received it', async () => (heard.some((e) => e.kind === 'notes.changed') && (await receiver.call('notes.page', { channelId: receiver.manifest.channelId, limit: 1 })).notes[0]?.noteId === note.noteId ? true : undefined));
  return until('the notification', async () => notifications()[before]);
}

async function displayedByNotification(): Promise<number> {
  const page = await receiver.call('audit.page', { types: ['note_displayed'], limit: 200 });
  return page.entries.filter((e) => e.details?.shownAs === 'notification').length;
}

describe('notifications of an unlocked profile', () => {
  it('carry the words of a note at or below the level, and record that display', async () => {
    await receiver.call('settings.set', { notificationLevel: { policyId: NATO, classification: 2 } });
    const shownBefore = await displayedByNotification();
    const n = await sendAndHear(2, 'Meeting moved to\n14:00.');
    expect(n.count).toBe(1);
    expect(n.channelId).toBe(receiver.manifest.channelId);
    expect(n.content).toEqual({ sender: expect.stringContaining('Camille'), channel: expect.any(String), marking: expect.stringContaining('RESTRICTED'), excerpt: 'Meeting moved to 14:00.' });
    expect(await displayedByNotification()).toBe(shownBefore + 1);
    // A notification is not a reading: the note stays unread.
    const page = await receiver.call('notes.page', { channelId: receiver.manifest.channelId, limit: 1 });
    expect(page.notes[0]?.read).toBe(false);
  }, 30_000);

  it('carry nothing of a note above the level', async () => {
    const shownBefore = await displayedByNotification();
    const n = await sendAndHear(3, 'Confidential words.');
    expect(n).toMatchObject({ count: 1, content: null });
    expect(JSON.stringify(heard)).not.toContain('Confidential words');
    expect(await displayedByNotification()).toBe(shownBefore);
  }, 30_000);

  it('carry nothing of a note the workstation may not show, whatever the level', async () => {
    await receiver.call('settings.set', { notificationLevel: { policyId: NATO, classification: 4 }, ceiling: { policyId: NATO, classification: 1 } });
    const n = await sendAndHear(2, 'Above the ceiling.');
    expect(n.content).toBeNull();
    expect(JSON.stringify(heard)).not.toContain('Above the ceiling');
    await receiver.call('settings.set', { ceiling: null });
  }, 30_000);

  it('carry nothing when the officer set no level', async () => {
    await receiver.call('settings.set', { notificationLevel: null });
    const n = await sendAndHear(1, 'Unclassified words.');
    expect(n.content).toBeNull();
    expect(JSON.stringify(heard)).not.toContain('Unclassified words');
  }, 30_000);

  it('announce a burst by its count, without content, and refresh the channel', async () => {
    await receiver.call('settings.set', { notificationLevel: { policyId: NATO, classification: 4 } });
    const before = notifications().length;
    for (let i = 0; i < 6; i++) await sender.call('compose.send', { channelId: sender.manifest.channelId, label: nato(1), text: `Burst ${i}.` });
    const all = await until('six announced', async () => {
      const got = notifications().slice(before);
      return got.reduce((sum, n) => sum + n.count, 0) >= 6 ? got : undefined;
    });
    expect(all.reduce((sum, n) => sum + n.count, 0)).toBe(6);
    expect(all.length).toBeLessThan(6);
    for (const n of all) if (n.count > 1) expect(n.content).toBeNull();
    expect(heard.some((e) => e.kind === 'notes.changed' && e.channelIds.includes(receiver.manifest.channelId))).toBe(true);
  }, 30_000);

  it('tells the sender that delivery states changed', async () => {
    const mine: AppEvent[] = [];
    const stop = sender.service.onEvent((e) => mine.push(e));
    await sender.call('compose.send', { channelId: sender.manifest.channelId, label: nato(1), text: 'Delivered?' });
    await until('the sender hears of its channel', async () => (mine.some((e) => e.kind === 'notes.changed' && e.channelIds.includes(sender.manifest.channelId)) ? true : undefined));
    stop();
    expect(mine.some((e) => e.kind === 'notification')).toBe(false);
  }, 30_000);

  it('nothing gathered before a lock goes out after it', async () => {
    const s = await receiver.service.core.sessions.require();
    const hub = new EventHub();
    const out: AppEvent[] = [];
    hub.on((e) => out.push(e));
    const notifier = new Notifier(s, { hub, lang: () => 'en', batchMs: 60_000 });
    const latest = (await receiver.call('notes.page', { channelId: receiver.manifest.channelId, limit: 1 })).notes[0];
    expect(latest).toBeDefined();
    notifier.onSync({ type: 'received', noteId: latest?.noteId ?? '', channelId: receiver.manifest.channelId });
    await receiver.call('profile.lock');
    notifier.flush();
    expect(out).toEqual([]);
  }, 30_000);
});
