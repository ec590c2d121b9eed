/**
 * The renderer's one origin. A standard, secure custom scheme gives the page a real origin (file://
 * would give it the opaque "null" origin, shared with every local file) that IPC sender checks,
 * navigation rules and the CSP's 'self' can all name exactly.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'entente';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Whether `url` is on the renderer's origin. Node's URL reports origin "null" for schemes it does not
 * know, so the parts are compared one by one; credentials or a port make it a different origin.
 */
export function isAppOriginUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** The renderer is a single page: the only document a frame may navigate to is the entry page. */
export function isAppEntryDocument(url: string): boolean {
  if (!isAppOriginUrl(url)) return false;
  const { pathname } = new URL(url);
  return pathname === '/' || pathname === '/index.html';
}
