import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '../../../main/messaging/channels';
import { createMessagingContext } from '../../../main/messaging/context';
import { receiveEnvelope } from '../../../main/messaging/receive';
import { sendNote } from '../../../main/messaging/send';
import { openKeystore } from '../../../main/identity/keystore';
import { loadIdentity } from '../../../main/identity/officer';
import { importFiles } from '../../../main/trust/import';
import { RevocationList } from '../../../main/trust/objects';
import { createSigned, encodeSigned } from '../../../main/trust/signed';
import type { AuditEntry } from '../../../main/audit/entry';
import { FRA, GBR, REL_NATO, buildAlliance, type Alliance } from '../../helpers/alliance';
import { cli } from '../../helpers/cli';
import { PASSPHRASE_TEXT, passphrase } from '../../helpers/profile';
import { entries } from './helpers';

/**
 * note_displayed and note_withheld: written where a note's text is shown, today `entente messages`
 * (cli/commands/messages.ts). A note is displayed while the officer's credential is in force, and
 * withheld (with the reason) once it is revoked; the text shown is never in the history.
 */
const TEXT = 'Xylophone-88 meeting moved to the annex';
const LONG_AGO = '2025-01-01T00:00:00Z';
const FAR = '2036-01-01T00:00:00Z';

describe('display events of `entente messages`', () => {
  let a: Alliance;
  let noteId: string;
  let log: AuditEntry[];

  beforeAll(async () => {
    a = await buildAlliance(
      [
        { agency: 'fr-dgsi', officerId: 'amartin', classifications: [1, 2, 3, 4], notBefore: LONG_AGO, notAfter: FAR },
        { agency: 'uk-demo', officerId: 'bsmith', classifications: [1, 2, 3, 4], notBefore: LONG_AGO, notAfter: FAR },
      ],
      [{ between: ['fr-dgsi', 'uk-demo'], ceiling: 4, categories: [FRA, GBR, REL_NATO], notBefore: LONG_AGO, notAfter: FAR }],
    );
    const fr = createMessagingContext(a.p('amartin').profile, { now: () => a.clock.t });
    const uk = createMessagingContext(a.p('bsmith').profile, { now: () => a.clock.t });
    const channel = createChannel(fr, { name: 'Liaison', members: [{ agency: 'uk-demo', officerId: 'bsmith' }] });
    receiveEnvelope(uk, channel.envelope);
    const sent = sendNote(fr, { channelId: channel.channelId, label: a.label('NATO SECRET REL TO FRA, GBR'), text: TEXT });
    noteId = sent.note.noteId;
    expect(receiveEnvelope(uk, sent.envelope).status).toBe('stored');
    const dir = a.p('bsmith').profile.dir;
    a.p('bsmith').profile.lock();

    const env = { ENTENTE_PASSPHRASE: PASSPHRASE_TEXT };
    const shown = await cli(['messages', '--profile', dir, '--json'], env);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toContain(TEXT);

    // The agency revokes the officer's credential: the same note is now withheld from display.
    let p = await openKeystore(dir, { onWarning: () => {} }).unlock(passphrase());
    const serial = a.p('bsmith').credential.body.serial;
    const crl = createSigned(RevocationList, { agency: 'uk-demo', sequence: 1000, issued: '2026-06-01T00:00:00Z', serials: [serial] }, 'issuer', a.roots['uk-demo'].secretKey);
    importFiles(p, loadIdentity(p), [{ name: 'uk.crl.json', bytes: new TextEncoder().encode(encodeSigned(crl)) }]);
    p.lock();
    const hidden = await cli(['messages', '--profile', dir, '--json'], env);
    expect(hidden.code, hidden.err).toBe(0);
    expect(hidden.out).not.toContain(TEXT);

    p = await openKeystore(dir, { onWarning: () => {} }).unlock(passphrase());
    log = entries(p);
    const raw = p.db.connection.prepare('SELECT entry FROM audit_log', { pluck: true }).all().join('\n');
    p.lock();
    expect(raw).not.toContain('Xylophone');
  });
  afterAll(() => a.close());

  it('records note_displayed with the note id and label', () => {
    expect(log.find((e) => e.type === 'note_displayed' && e.subjects?.[0] === noteId)).toMatchObject({ outcome: 'ok', actor: 'self', label: { classification: 4 } });
  });

  it('records note_withheld with the reason', () => {
    expect(log.find((e) => e.type === 'note_withheld' && e.subjects?.[0] === noteId)).toMatchObject({ outcome: 'refused', code: 'credential_revoked', label: { classification: 4 } });
  });
});
