import type { Ref } from 'vue'
import { useAppStore } from '../stores/app'

/**
 * The one way a view or store runs a call whose failure the user must see: `busy` (when given) is
 * true while it runs, and an error becomes the toast with its message and next step; the call
 * then yields undefined instead of escaping into the view.
 */
export async function reported<T>(fn: () => Promise<T>, busy?: Ref<boolean>): Promise<T | undefined> {
  if (busy) busy.value = true
  try {
    return await fn()
  } catch (err) {
    useAppStore().reportError(err)
    return undefined
  } finally {
    if (busy) busy.value = false
  }
}

/** `reported` bound to one busy flag, for a store whose calls share it. */
export function guardedBy(busy: Ref<boolean>): <T>(fn: () => Promise<T>) => Promise<T | undefined> {
  return (fn) => reported(fn, busy)
}
