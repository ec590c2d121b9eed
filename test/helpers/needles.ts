import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every spelling in which secret bytes could plausibly be written out by mistake. */
export function byteNeedles(label: string, bytes: Uint8Array): [string, Buffer][] {
  const b = Buffer.from(bytes);
  return [
    [`${label} (raw)`, b],
    [`${label} (hex)`, Buffer.from(b.toString('hex'))],
    [`${label} (HEX)`, Buffer.from(b.toString('hex').toUpperCase())],
    [`${label} (base64)`, Buffer.from(b.toString('base64').replace(/=+$/, ''))],
    [`${label} (base64url)`, Buffer.from(b.toString('base64url'))],
    [`${label} (first 12 raw bytes)`, b.subarray(0, 12)],
  ];
}

export function textNeedles(label: string, text: string): [string, Buffer][] {
  return [
    [`${label} (utf8)`, Buffer.from(text, 'utf8')],
    [`${label} (utf16le)`, Buffer.from(text, 'utf16le')],
    [`${label} (base64)`, Buffer.from(Buffer.from(text).toString('base64').replace(/=+$/, ''))],
    [`${label} (hex)`, Buffer.from(Buffer.from(text).toString('hex'))],
  ];
}

/** "file: needle" for every needle found in any file under the folders. */
export function findNeedles(dirs: readonly string[], needles: readonly [string, Buffer][]): string[] {
  const found: string[] = [];
  for (const dir of dirs) {
    for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!e.isFile()) continue;
      const path = join(e.parentPath, e.name);
      const content = readFileSync(path);
      for (const [label, needle] of needles) if (content.includes(needle)) found.push(`${path}: ${label}`);
    }
  }
  return found;
}
