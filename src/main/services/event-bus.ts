import type { EventName, Events } from '../../shared/contract'

/** A subscription: dispose() ends it. */
export interface Disposable {
  dispose(): void
}

export type EventListener<E extends EventName> = (payload: Events[E]) => void

/**
 * How services publish contract events and how transports and tests receive them: one event name
 * per subscription, typed by the contract, ended by dispose().
 */
export interface ServiceEvents {
  emit<E extends EventName>(event: E, payload: Events[E]): void
  on<E extends EventName>(event: E, listener: EventListener<E>): Disposable
  /** Whether anyone listens: a service can skip work (e.g. batching samples) no client asked for. */
  hasListeners(event: EventName): boolean
}

/** The in-process implementation every service shares (createServices makes one). */
export class EventBus implements ServiceEvents {
  private listeners = new Map<EventName, Set<(payload: never) => void>>()

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    const set = this.listeners.get(event)
    if (!set) return
    for (const l of [...set]) {
      try {
        ;(l as EventListener<E>)(payload)
      } catch {
        // A broken transport must not stop the others from receiving the event.
      }
    }
  }

  on<E extends EventName>(event: E, listener: EventListener<E>): Disposable {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    const l = listener as (payload: never) => void
    set.add(l)
    return {
      dispose: () => {
        set.delete(l)
        if (set.size === 0 && this.listeners.get(event) === set) this.listeners.delete(event)
      }
    }
  }

  hasListeners(event: EventName): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0
  }
}
