import { isEventName, type EventName } from '../../shared/contract'
import type { Disposable, ServiceEvents } from '../services/event-bus'

/**
 * One client's event subscriptions on a transport (a WebSocket, the Electron window, an in-memory
 * client): an event reaches the client only after it subscribed to that name, and not after it
 * unsubscribed or the client went away (dispose). Names outside the contract are refused.
 */
export class ClientSubscriptions {
  private subs = new Map<EventName, Disposable>()

  constructor(
    private readonly bus: ServiceEvents,
    private readonly deliver: (event: EventName, payload: unknown) => void
  ) {}

  /** Applies a subscribe/unsubscribe from the client; false for an event the contract does not name. */
  set(event: unknown, subscribed: boolean): boolean {
    if (!isEventName(event)) return false
    const existing = this.subs.get(event)
    if (subscribed && !existing) this.subs.set(event, this.bus.on(event, (payload) => this.deliver(event, payload)))
    if (!subscribed && existing) {
      existing.dispose()
      this.subs.delete(event)
    }
    return true
  }

  get events(): EventName[] {
    return [...this.subs.keys()]
  }

  dispose(): void {
    for (const s of this.subs.values()) s.dispose()
    this.subs.clear()
  }
}
