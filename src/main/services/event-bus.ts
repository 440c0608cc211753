import type { EventName, Events } from '../../shared/contract'

type Listener = (event: string, payload: unknown) => void

/** Services emit contract events here; each transport forwards them to its clients. */
export class EventBus {
  private listeners = new Set<Listener>()

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of [...this.listeners]) {
      try {
        l(event, payload)
      } catch {
        // A broken transport must not stop the others from receiving the event.
      }
    }
  }

  listen(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
