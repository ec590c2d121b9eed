import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeSnapshot } from '../../helpers/alliance';
import { desktop, removePristineDemo, type Desktop } from '../../helpers/desktop';

/**
 * channels.create through the real dispatch on the demo alliance (no relay here: the creation waits in
 * the outbox). A new channel is listed with its administrator and members and its creation audited;
 * unknown members, a channel of one, and malformed or hostile input are refused, changing nothing.
 */
let d: Desktop;
beforeAll(async () => {
  d = await desktop();
  await d.unlockDemo('camille');
}, 120_000);
afterAll(async () => {
  await d.close();
  removePristineDemo();
});

const store = async (): Promise<string> => storeSnapshot((await d.service.core.sessions.require()).profile);
const jonas = { agency: 'de-demo', officerId: 'jonas' };
const alex = { agency: 'uk-demo', officerId: 'alex' };

describe('channels.create', () => {
  it('creates a channel with the officer as administrator, lists it, and audits its creation', async () => {
    const before = (await d.call('channels.list')).channels.length;
    const made = await d.call('channels.create', { name: 'Bridge watch', members: [jonas, alex, jonas] });
    expect(made.recipients.eligible.map((o) => o.name).sort()).toEqual(['Alex Morgan', 'Jonas Weber']);
    expect(made.recipients.withheld).toEqual([]);
    const { channels } = await d.call('channels.list');
    expect(channels).toHaveLength(before + 1);
    const channel = channels.find((c) => c.channelId === made.channelId);
    expect(channel).toMatchObject({ name: 'Bridge watch', admin: { agency: 'fr-demo', officerId: 'camille' } });
    expect(channel?.members.map((m) => m.officerId).sort()).toEqual(['alex', 'camille', 'jonas']);
    const { entries } = await d.call('audit.page', { types: ['channel_created'], limit: 5 });
    expect(entries.some((e) => e.channel === made.channelId && e.outcome === 'ok')).toBe(true);
  });

  it('refuses an officer whose credential is neither held nor listed, and a channel of one, changing nothing', async () => {
    const before = await store();
    expect((await d.fail('channels.create', { name: 'Ghosts', members: [{ agency: 'de-demo', officerId: 'nobody' }] })).code).toBe('channel_member_unknown');
    expect((await d.fail('channels.create', { name: 'Ghosts', members: [jonas, { agency: 'xx-none', officerId: 'jonas' }] })).code).toBe('channel_member_unknown');
    expect((await d.fail('channels.create', { name: 'Alone', members: [{ agency: 'fr-demo', officerId: 'camille' }] })).code).toBe('invalid_input');
    expect(await store()).toBe(before);
  });

  it('refuses malformed and hostile input at the boundary, changing nothing', async () => {
    const before = await store();
    const hostile: unknown[] = [
      {},
      { name: 'No members', members: [] },
      { name: '', members: [jonas] },
      { name: ' padded ', members: [jonas] },
      { name: 'Bell\u0007', members: [jonas] },
      { name: 'x'.repeat(201), members: [jonas] },
      { name: 'Path', members: [{ agency: '../etc', officerId: 'jonas' }] },
      { name: 'Upper', members: [{ agency: 'DE-DEMO', officerId: 'jonas' }] },
      { name: 'Extra', members: [{ ...jonas, admin: true }] },
      { name: 'Extra', members: [jonas], channelId: 'chosen' },
      { name: 'Many', members: Array.from({ length: 65 }, (_, i) => ({ agency: 'de-demo', officerId: `o${i}` })) },
      { name: 42, members: [jonas] },
      { name: 'Proto', members: [jonas], __proto__: { admin: true } },
      null,
      'Bridge watch',
    ];
    for (const input of hostile) expect((await d.fail('channels.create', input)).code, JSON.stringify(input)).toBe('invalid_input');
    expect(await store()).toBe(before);
  });

  it('answers profile_locked while no profile is unlocked', async () => {
    await d.call('profile.lock');
    expect((await d.fail('channels.create', { name: 'Later', members: [jonas] })).code).toBe('profile_locked');
    await d.unlockDemo('camille');
  });
});
