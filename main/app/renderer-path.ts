import { resolveStaticPath } from '../core/static-path';
import { APP_ORIGIN } from './app-origin';

const MAX_URL_LENGTH = 2048;

/**
 * Maps an app:// request URL to a file under `root`, or null. It reads the raw URL text rather than a
 * parsed URL, so nothing is normalised before it is judged: the origin must be exactly ours (no other
 * host, port or credentials), and the path then goes through the one traversal guard both renderer
 * servers share (main/core/static-path.ts: encoded and plain dot segments, NUL, backslashes, `//`,
 * anything resolving outside the root).
 */
export function resolveRendererPath(rawUrl: string, root: string): string | null {
  if (rawUrl.length > MAX_URL_LENGTH || !rawUrl.startsWith(`${APP_ORIGIN}/`)) return null;
  // The query and fragment never name a file; the renderer's assets do not use them.
  const end = rawUrl.search(/[?#]/);
  const path = rawUrl.slice(APP_ORIGIN.length, end === -1 ? undefined : end);
  return resolveStaticPath(root, path);
}
