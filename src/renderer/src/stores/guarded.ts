import type { Ref } from 'vue'
import { useAppStore } from './app'

/**
 * A store's call wrapper: `busy` is true while the call runs, and a failure is shown to the user
 * as a toast (the call then yields undefined) instead of escaping into the view.
 */
export function guardedBy(busy: Ref<boolean>): <T>(fn: () => Promise<T>) => Promise<T | undefined> {
  return async (fn) => {
    busy.value = true
    try {
      return await fn()
    } catch (err) {
      useAppStore().reportError(err)
      return undefined
    } finally {
      busy.value = false
    }
  }
}
