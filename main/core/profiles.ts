import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { EntenteError } from '../../shared/errors';
import { OfficerId } from '../trust/fields';

/**
 * The profiles the desktop app offers (profiles.list): the officer's own under <userData>/profiles/,
 * one folder each, and the demo alliance's (docs/DEMO.md) named by its demo.json. A profile id from
 * the renderer is only ever looked up in this list; it never becomes a path by itself.
 */
export interface ProfileEntry {
  id: string;
  kind: 'user' | 'demo';
  dir: string;
  name: string | null;
  agency: string | null;
  officerId: string | null;
  clearance: string | null;
  demoPassphrase: string | null;
}

export const profilesRoot = (dataDir: string): string => join(dataDir, 'profiles');

/** The folder a new profile of `officerId` gets. */
export function newProfileDir(dataDir: string, officerId: string): { id: string; dir: string } {
  if (!OfficerId.safeParse(officerId).success) throw new EntenteError('invalid_input', 'The officer id is not valid.');
  return { id: `user:${officerId}`, dir: join(profilesRoot(dataDir), officerId) };
}

/** What the demo manifest (cli/demo-alliance.ts) says about its officers; the rest is not read here. */
const DemoOfficers = z.object({
  officers: z
    .array(z.object({ agency: z.string().max(64), officerId: OfficerId, name: z.string().max(200), clearance: z.string().max(1024), profile: z.string().max(1024), passphrase: z.string().max(200) }))
    .max(100),
});

const MAX_MANIFEST_BYTES = 1024 * 1024;

function isDir(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function userProfiles(dataDir: string): ProfileEntry[] {
  const root = profilesRoot(dataDir);
  if (!isDir(root)) return [];
  return readdirSync(root)
    .filter((name) => OfficerId.safeParse(name).success && isDir(join(root, name)) && existsSync(join(root, name, 'keystore.json')))
    .sort()
    .map((name) => ({ id: `user:${name}`, kind: 'user', dir: join(root, name), name: null, agency: null, officerId: null, clearance: null, demoPassphrase: null }));
}

function demoProfiles(demoDir: string | null): ProfileEntry[] {
  if (demoDir === null) return [];
  const manifest = join(demoDir, 'demo.json');
  let parsed;
  try {
    if (!existsSync(manifest) || lstatSync(manifest).size > MAX_MANIFEST_BYTES) return [];
    parsed = DemoOfficers.safeParse(JSON.parse(readFileSync(manifest, 'utf8')));
  } catch {
    return [];
  }
  if (!parsed.success) return [];
  const root = resolve(demoDir);
  const out: ProfileEntry[] = [];
  for (const o of parsed.data.officers) {
    const dir = resolve(root, o.profile);
    // A manifest naming a folder outside the demo is ignored, not followed.
    const rel = relative(root, dir);
    if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('..') || !isDir(dir)) continue;
    out.push({ id: `demo:${o.officerId}`, kind: 'demo', dir, name: o.name, agency: o.agency, officerId: o.officerId, clearance: o.clearance, demoPassphrase: o.passphrase });
  }
  return out;
}

export function listProfiles(dataDir: string, demoDir: string | null): ProfileEntry[] {
  return [...userProfiles(dataDir), ...demoProfiles(demoDir)];
}

/** The listed profile with this id; keystore_missing when there is none. */
export function findProfile(dataDir: string, demoDir: string | null, id: string): ProfileEntry {
  const found = listProfiles(dataDir, demoDir).find((p) => p.id === id);
  if (found === undefined) throw new EntenteError('keystore_missing', 'There is no such profile on this computer.');
  return found;
}
