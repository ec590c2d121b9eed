import type { AppEvent } from '../../shared/api/events';

export type EventListener = (event: AppEvent) => void;

/**
 * Where main's events meet their transports (Electron's window, the bridge's sockets). A listener that
 * throws is the transport's fault, not the emitter's: it is dropped from this emit and the rest still hear.
 */
export class EventHub {
  readonly #listeners = new Set<EventListener>();

  on(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  emit(event: AppEvent): void {
    for (const l of [...this.#listeners]) {
      try {
        l(event);
      } catch {
        // See the class comment: one broken transport must not silence the others.
      }
    }
  }
}
