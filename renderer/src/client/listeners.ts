// Listener bookkeeping shared by the transports: each subscription returns its own unsubscribe
// function, and one listener's exception never stops the others.
import type { CoreEvents, EventName } from '../../../main/contract/api.ts';

// Keyed by every event the contract names, so a new event cannot be left off (and dropped).
const EVENTS: Record<EventName, true> = { status: true, scene: true, episode: true, ff: true };
export const EVENT_NAMES = Object.keys(EVENTS) as readonly EventName[];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);
}

export class ListenerSet<A extends unknown[]> {
  private readonly listeners = new Set<(...args: A) => void>();

  add(listener: (...args: A) => void): () => void {
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry = (...args: A) => listener(...args);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  emit(...args: A): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(...args);
      } catch (error) {
        console.error('A core listener failed:', error);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}

/** One ListenerSet per event name, typed by the contract's CoreEvents. */
export class EventListeners {
  private readonly sets = new Map<EventName, ListenerSet<[unknown]>>();

  on<K extends EventName>(name: K, listener: (payload: CoreEvents[K]) => void): () => void {
    let set = this.sets.get(name);
    if (set === undefined) {
      set = new ListenerSet<[unknown]>();
      this.sets.set(name, set);
    }
    return set.add(listener as (payload: unknown) => void);
  }

  emit<K extends EventName>(name: K, payload: CoreEvents[K]): void {
    this.sets.get(name)?.emit(payload);
  }
}
