import type { Ref } from 'vue'
import { useAppStore } from '../stores/app'

/**
 * The one way a view or component runs a call that can fail (views and components catch nothing
 * themselves; eslint enforces it): `busy` (when given) is true while it runs, and an error goes to
 * `onError` (a message shown in place, a specific toast); the call then yields undefined instead
 * of escaping into the view.
 */
export async function handled<T>(fn: () => Promise<T>, onError: (err: unknown) => void, busy?: Ref<boolean>): Promise<T | undefined> {
  if (busy) busy.value = true
  try {
    return await fn()
  } catch (err) {
    onError(err)
    return undefined
  } finally {
    if (busy) busy.value = false
  }
}

/** `handled` whose error becomes the toast with its message and next step: the usual case. */
export function reported<T>(fn: () => Promise<T>, busy?: Ref<boolean>): Promise<T | undefined> {
  return handled(fn, (err) => useAppStore().reportError(err), busy)
}

/** `reported` bound to one busy flag, for a store whose calls share it. */
export function guardedBy(busy: Ref<boolean>): <T>(fn: () => Promise<T>) => Promise<T | undefined> {
  return (fn) => reported(fn, busy)
}
