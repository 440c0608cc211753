/** The named fields of an object, in the order named: for summaries and events built from a larger record. */
export function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>
  for (const k of keys) out[k] = from[k]
  return out
}
