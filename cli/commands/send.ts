import { EntenteError } from '../../shared/errors';
import { sodiumReady } from '../../main/crypto/sodium';
import { MAX_NOTE_TEXT } from '../../main/messaging/content';
import { sendNote } from '../../main/messaging/send';
import { renderLabelMarking } from '../../main/policy';
import type { Command } from '../command';
import { langOption, requiredString } from '../options';
import { withProfile } from '../profile';
import { flushWithin, labelFromMarking, messagingContext, officerText, openRelaySession, relayCommandOptions, relayUrl, withheldText } from '../relay-session';

/** More than any note can hold (MAX_NOTE_TEXT characters of up to 4 bytes), read no further. */
const MAX_STDIN_BYTES = MAX_NOTE_TEXT * 4 + 2;

/** The note text from standard input: UTF-8, one final line break dropped (as `echo` adds one). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_STDIN_BYTES) throw new EntenteError('note_too_long', `a note holds at most ${MAX_NOTE_TEXT} characters`);
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)).replace(/\r?\n$/, '');
  } catch {
    throw new EntenteError('invalid_input', 'the text on standard input is not UTF-8');
  }
}

export const sendCommand: Command = {
  path: ['send'],
  summary: 'send a labelled note to a channel: the members the label allows get it, the others are withheld',
  usage: [
    'entente send --profile P --relay URL --channel ID --label MARKING --text TEXT|- [--lang en|fr]',
    '             [--passphrase-file F] [--json]',
    '',
    'MARKING is read under the profile\'s policies, e.g. "NATO CONFIDENTIAL" (an ambiguous or unknown',
    'marking is refused). --text - reads the text from standard input. Prints who receives the note and',
    'who is withheld and why. If the relay cannot be reached the note is queued (exit 0): `entente sync`',
    'sends it.',
  ].join('\n'),
  options: { ...relayCommandOptions, channel: { type: 'string' }, label: { type: 'string' }, text: { type: 'string' }, lang: { type: 'string' } },
  async run(values, _positionals, io) {
    const url = relayUrl(values);
    const channelId = requiredString(values, 'channel');
    const marking = requiredString(values, 'label');
    const textArg = requiredString(values, 'text');
    const lang = langOption(values);
    const text = textArg === '-' ? await readStdin() : textArg;
    await sodiumReady();
    const result = await withProfile(io, values, async (profile) => {
      const ctx = messagingContext(profile);
      const { policy, label } = labelFromMarking(ctx.registry, marking, lang);
      const channel = ctx.notes.channel(channelId);
      if (channel === undefined) throw new EntenteError('channel_unknown', `there is no channel ${channelId} in this profile`);
      const { session, offline } = await openRelaySession(ctx, url);
      try {
        const sent = sendNote(ctx, { channelId, label, text });
        const stored = offline === null ? await flushWithin(session) : new Set<string>();
        return {
          noteId: sent.note.noteId,
          channel: { id: channelId, name: channel.name },
          label: JSON.parse(sent.note.labelJson) as unknown,
          marking: renderLabelMarking(policy, sent.note.label, { lang }),
          state: stored.has(sent.note.noteId) ? ('stored' as const) : ('queued' as const),
          recipients: sent.eligible,
          withheld: sent.withheld,
          relay: offline === null ? { reachable: true } : { reachable: false, code: offline.code },
        };
      } finally {
        await session.close();
      }
    });
    if (values.json === true) {
      io.out(JSON.stringify(result));
      return 0;
    }
    io.out(`note ${result.noteId} to "${result.channel.name}" marked ${result.marking}`);
    io.out(`to:       ${result.recipients.map(officerText).join(', ')}`);
    for (const line of withheldText(result.withheld)) io.out(`withheld: ${line}`);
    if (result.state === 'stored') io.out('stored at the relay');
    else io.out(`queued: the relay ${result.relay.reachable ? 'did not confirm it' : `is unreachable (${result.relay.code ?? ''})`}; \`entente sync\` sends it`);
    return 0;
  },
};
