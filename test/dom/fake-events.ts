import type { AppEvent } from '../../shared/api/events';
import type { EventFeed } from '../../renderer/src/api/transports';

/** A controllable stand-in for main's event feed: the test emits, the views hear. */
export function fakeEvents(): { feed: EventFeed; emit: (event: AppEvent) => void; listeners: () => number } {
  const listeners = new Set<(event: AppEvent) => void>();
  return {
    feed: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit: (event) => {
      for (const l of [...listeners]) l(event);
    },
    listeners: () => listeners.size,
  };
}
