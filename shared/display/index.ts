// Need-to-know display (DESIGN.md §7), pure: usable from main and from the renderer alike.
export * from './model';
export { effectiveClearance, sessionModeCap, type ViewerInput } from './effective';
export { displayDecision, displayDecider } from './decision';
export { highestOnScreen, bannerLevel } from './banner';
export { aboveLevel } from './threshold';
export { NoteNotification, NotificationContent, NOTIFICATION_EXCERPT, notificationMayCarry, notificationText, excerptOf } from './notification';
