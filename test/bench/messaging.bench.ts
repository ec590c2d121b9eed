// Messaging benchmark (issue 5): sealing a note for a 20-member channel, and the receive pipeline's
// throughput (parse → credential → signature → replay → unwrap → decrypt → label checks → store).
// `npm run bench messaging`.
import { parseEnvelope } from '../../main/crypto/envelope';
import { createChannel } from '../../main/messaging/channels';
import { receiveEnvelope } from '../../main/messaging/receive';
import { sendNote } from '../../main/messaging/send';
import { FRA, GBR, REL_NATO, buildAlliance, type OfficerSpec } from '../helpers/alliance';

/**
 * Goals: composing must feel instant even to a full channel (< 50 ms to select, seal and store a
 * note for 20 members), and a sync after a week away (2,000 notes) must take under 10 s, so the
 * receive pipeline must store ≥ 200 notes per second on a laptop.
 */
const GOAL_SEND_MS = 50;
const GOAL_RECEIVE_PER_S = 200;
const MEMBERS = 20;
const NOTES = 400;

const line = (what: string, value: string, ratio: number) => {
  console.log(`${what.padEnd(52)} ${value.padStart(14)}   ${ratio.toFixed(2)}× the goal ${ratio >= 1 ? 'OK' : 'UNDER'}`);
  if (!(ratio >= 1)) process.exitCode = 1;
};

const officers: OfficerSpec[] = [
  { agency: 'fr-dgsi', officerId: 'sender', classifications: [1, 2, 3, 4], categories: [FRA, REL_NATO] },
  { agency: 'uk-demo', officerId: 'receiver', classifications: [1, 2, 3, 4], categories: [GBR, REL_NATO] },
  ...Array.from({ length: MEMBERS - 2 }, (_, i): OfficerSpec => ({ agency: i % 2 === 0 ? 'uk-demo' : 'fr-dgsi', officerId: `m${i}`, classifications: [1, 2, 3, 4], categories: [i % 2 === 0 ? GBR : FRA, REL_NATO], profile: false })),
];
const a = await buildAlliance(officers, [{ between: ['fr-dgsi', 'uk-demo'], ceiling: 4, categories: [FRA, GBR, REL_NATO] }]);
try {
  const sender = a.p('sender');
  const receiver = a.p('receiver');
  const created = createChannel(sender.ctx, { name: 'Bench', members: officers.filter((o) => o.officerId !== 'sender').map((o) => a.get(o.officerId)) });
  receiveEnvelope(receiver.ctx, created.envelope);
  const label = a.label('NATO SECRET REL TO FRA, GBR');
  const text = 'Meeting moved to 14:00; bring the translated annex. '.repeat(8);

  // Warm-up, then timed sends.
  for (let i = 0; i < 10; i++) sendNote(sender.ctx, { channelId: created.channelId, label, text });
  const envelopes: Uint8Array[] = [];
  const t0 = performance.now();
  for (let i = 0; i < NOTES; i++) envelopes.push(sendNote(sender.ctx, { channelId: created.channelId, label, text }).envelope);
  const sendMs = (performance.now() - t0) / NOTES;
  if (envelopes[0] === undefined || parseEnvelope(envelopes[0]).header.recipients.length !== MEMBERS - 1) throw new Error('not every member was addressed');

  const t1 = performance.now();
  for (const e of envelopes) {
    const r = receiveEnvelope(receiver.ctx, e);
    if (r.status !== 'stored') throw new Error(`rejected: ${r.code}`);
  }
  const perS = NOTES / ((performance.now() - t1) / 1000);

  console.log(`${NOTES} notes, ${MEMBERS}-member channel, ${text.length}-character text`);
  line(`send to ${MEMBERS - 1} recipients (select, seal, store)`, `${sendMs.toFixed(2)} ms`, GOAL_SEND_MS / sendMs);
  line('receive and store', `${perS.toFixed(0)} notes/s`, perS / GOAL_RECEIVE_PER_S);
} finally {
  a.close();
}
