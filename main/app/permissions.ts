import type { Session } from 'electron';
import { isAppOriginUrl } from './app-origin';

/**
 * Schemes a request from the app's session may use: its own origin and the browser-internal ones
 * that never leave the machine. The main process talks to the network with Node (ws), not through
 * this session, so nothing legitimate is cut off.
 */
const LOCAL_SCHEMES = new Set(['devtools:', 'data:', 'blob:']);

/** Whether the session may load `url` at all: the app's own files, never remote content or file://. */
export function isAllowedRequestUrl(url: string): boolean {
  if (isAppOriginUrl(url)) return true;
  try {
    return LOCAL_SCHEMES.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

/**
 * Deny by default: the renderer needs no camera, microphone, notifications, geolocation, devices,
 * clipboard reads or downloads, so every request and every check answers no, whatever the origin.
 * The request filter backs up the CSP: a remote load that got past it still goes nowhere.
 */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event) => event.preventDefault());
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequestUrl(details.url) }));
}
