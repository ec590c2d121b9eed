import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command';

export const versionCommand: Command = {
  path: ['version'],
  summary: 'print the version of Entente',
  usage: 'entente version [--json]',
  options: { json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    io.out(values.json === true ? JSON.stringify({ name: 'entente', version: pkg.version }) : `entente ${pkg.version}`);
    return 0;
  },
};
