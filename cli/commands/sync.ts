import { sodiumReady } from '../../main/crypto/sodium';
import type { SyncReport } from '../../main/messaging/sync';
import { syncOnce } from '../../main/messaging/sync-once';
import type { Command } from '../command';
import { optionalInt } from '../options';
import { withProfile } from '../profile';
import { messagingContext, relayCommandOptions, relayUrl } from '../relay-session';
import { shippedPolicyTexts } from '../policies';

function printReport(out: (text: string) => void, r: SyncReport): void {
  const p = r.published;
  if (p !== null) out(`published: credential ${p.credential}${p.prekey === null ? '' : `, prekey ${p.prekey.id} ${p.prekey.outcome}`}${p.rotated === null ? '' : ' (rotated)'}`);
  const d = r.directory;
  out(`directory: ${d.credentials.imported} credential(s), ${d.prekeys.imported} prekey(s), ${d.revocationLists.imported} revocation list(s) new`);
  for (const s of d.skipped) out(`  skipped ${s.kind} ${s.subject} (${s.code})`);
  out(`sent: ${r.sent.stored.length} stored at the relay, ${r.sent.queued.length} still queued`);
  for (const x of r.sent.refused) out(`  refused ${x.noteId} (${x.code})`);
  out(`received: ${r.received.stored} note(s), ${r.received.rejected.length} refused`);
  for (const x of r.received.rejected) out(`  refused ${x.noteId ?? '(unreadable envelope)'} (${x.code})`);
  out(`receipts: ${r.receipts.delivered} delivered${r.receipts.expired.length > 0 ? `, ${r.receipts.expired.length} expired at the relay` : ''}`);
}

export const syncCommand: Command = {
  path: ['sync'],
  summary: 'exchange with the relay: publish keys, read the directory, send the outbox, take notes and receipts',
  usage: [
    'entente sync --profile P --relay URL [--wait SECONDS] [--passphrase-file F] [--json]',
    '',
    'Returns once the relay has nothing more for this officer; --wait keeps listening that long more.',
    'Notes this officer may not receive never reach the profile: the sender withheld them.',
    'Exit 1 with relay_unreachable when the relay cannot be reached (the outbox is kept for next time).',
  ].join('\n'),
  options: { ...relayCommandOptions, wait: { type: 'string' } },
  async run(values, _positionals, io) {
    const url = relayUrl(values);
    const waitMs = (optionalInt(values, 'wait', 0, 3600) ?? 0) * 1000;
    await sodiumReady();
    const report = await withProfile(io, values, (profile) => syncOnce(messagingContext(profile), { url, waitMs, fallbackSpifs: shippedPolicyTexts() }));
    if (values.json === true) io.out(JSON.stringify(report));
    else printReport((t) => io.out(t), report);
    return 0;
  },
};
