import { join } from 'node:path';
import { userDataDir } from '../../main/core/paths';
import type { Command } from '../command';
import { ensureDemoAlliance, readDemoManifest } from '../demo-alliance';
import { kdfOption, kdfParams, optionalString } from '../options';

export const demoCommand: Command = {
  path: ['demo'],
  summary: 'create the demo alliance (three agencies, four officers, a channel with notes) if it is not there',
  usage: [
    'entente demo [--dir D] [--kdf interactive|moderate|sensitive] [--json]',
    '',
    'D defaults to the "demo" folder in the user data folder, where `npm start` looks for it.',
    'The first run builds the agencies, profiles, agreements and notes (a few seconds) and passes the notes',
    'through a relay; later runs only print what is there. The demo passphrases are public: never use a',
    'demo profile for anything real.',
  ].join('\n'),
  options: { dir: { type: 'string' }, json: { type: 'boolean' }, ...kdfOption },
  async run(values, _positionals, io) {
    const dir = optionalString(values, 'dir') ?? join(userDataDir(), 'demo');
    const kdf = kdfParams(values, 'MODERATE');
    // On stderr, so that --json output stays one object; the first run takes a while at MODERATE.
    if (readDemoManifest(dir) === null) io.err(`entente: creating the demo alliance in ${dir} (first run: agencies, officers, notes through a relay)…`);
    const { manifest, created } = await ensureDemoAlliance(dir, { kdf });
    if (values.json === true) {
      io.out(JSON.stringify({ dir, firstRun: created, ...manifest }));
      return 0;
    }
    io.out(`${created ? 'Created' : 'Found'} the demo alliance in ${dir}`);
    for (const o of manifest.officers) io.out(`  ${o.name} (${o.agency}, cleared ${o.clearance}): profile ${join(dir, o.profile)}, passphrase "${o.passphrase}"`);
    return 0;
  },
};
