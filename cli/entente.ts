import { runCli } from './main';
import { terminalSecretReader } from './prompt';

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  readSecret: terminalSecretReader(),
});
process.exitCode = code;
