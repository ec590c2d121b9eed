import { sodiumReady } from '../../main/crypto/sodium';
import { loadIdentity } from '../../main/identity/officer';
import { importFiles } from '../../main/trust/import';
import { rotatePrekeys } from '../../main/identity/prekeys';
import { TrustStore } from '../../main/trust/trust-store';
import { UsageError, type Command } from '../command';
import { readInputFile } from '../files';
import { passphraseFileOption } from '../passphrase';
import { shippedPolicyTexts } from '../policies';
import { withProfile } from '../profile';

export const profileImportCommand: Command = {
  path: ['profile', 'import'],
  summary: 'verify and store agency cards, credentials, agreements, revocation lists and policies',
  usage: [
    'entente profile import --profile P FILE... [--passphrase-file F] [--json]',
    '',
    'Every file is verified before anything is stored; if one is refused, none is imported.',
    'The first card of an agency pins its root key: compare the printed fingerprint with the agency.',
  ].join('\n'),
  options: { profile: { type: 'string' }, json: { type: 'boolean' }, ...passphraseFileOption },
  allowPositionals: true,
  async run(values, positionals, io) {
    if (positionals.length === 0) throw new UsageError('name at least one file to import');
    const files = positionals.map((name) => ({ name, bytes: new Uint8Array(readInputFile(name)) }));
    await sodiumReady();
    const { results, prekeys } = await withProfile(io, values, (profile) => {
      const identity = loadIdentity(profile);
      const imported = importFiles(profile, identity, files, { fallbackSpifs: shippedPolicyTexts() });
      // With a credential in force the profile can publish signed prekeys: keep them on schedule.
      const own = new TrustStore(profile.db).ownCredential(Date.now());
      return { results: imported, prekeys: own === undefined ? null : rotatePrekeys(profile, identity, own) };
    });
    if (values.json === true) io.out(JSON.stringify({ imported: results, prekeys }));
    else {
      for (const r of results) io.out(`${r.file}: ${r.kind} ${r.subject}: ${r.outcome}${r.fingerprint ? ` — fingerprint ${r.fingerprint}` : ''}`);
      if (prekeys !== null && prekeys.created !== null) io.out(`signed prekey ${prekeys.created} created`);
    }
    return 0;
  },
};
