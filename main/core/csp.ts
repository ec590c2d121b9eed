/**
 * The renderer's Content Security Policy, one definition for both ways it is served (app:// in
 * Electron, http://127.0.0.1 by the bridge). No inline script or style, no eval, no remote content;
 * the only connection allowed is the one transport the renderer uses.
 */
export function rendererCsp(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connectSrc.length > 0 ? connectSrc.join(' ') : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
