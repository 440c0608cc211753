import type { z } from 'zod'

/** For every method of a service interface, the zod schema of its argument tuple. */
export type ArgSchemas<S> = {
  [M in keyof S]: S[M] extends (...args: infer A) => Promise<unknown> ? z.ZodType<A> : never
}
