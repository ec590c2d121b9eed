import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The user data folder, the same one Electron's app.getPath('userData') gives for productName
 * "Entente", so evaluation mode and the desktop app share preferences and, later, profiles.
 * ENTENTE_HOME overrides it (tests, several profiles on one machine).
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.ENTENTE_HOME) return env.ENTENTE_HOME;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Entente');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Entente');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Entente');
}
