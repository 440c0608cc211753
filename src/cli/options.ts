import { MicroforgeError } from '../shared/errors'
import type { CliOption } from './command'

/**
 * How commands declare their flags and read the values: a flag (`--qemu`), a value (`--port PATH`,
 * with an optional default parseArgs fills in), and the value checks several commands share, each
 * with the one error message and next step it gives for every command.
 */

/** A switch: present or absent. */
export function flag(description: string): CliOption {
  return { type: 'boolean', description }
}

/** An option that takes a value; `fallback` is what parseArgs fills in when it is not given. */
export function text(description: string, fallback?: string): CliOption {
  return fallback === undefined ? { type: 'string', description } : { type: 'string', default: fallback, description }
}

/** An option given once or more (`--input A --input B`). */
export function texts(description: string): CliOption {
  return { type: 'string', multiple: true, description }
}

/** A whole number from `min` (to `max`), or undefined when the flag is absent. `of` names what is counted ("samples"). */
export function wholeNumber(name: string, v: unknown, limits: { min: number; max?: number; example: number; of?: string }): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!(Number.isInteger(n) && n >= limits.min && n <= (limits.max ?? Infinity))) {
    throw new MicroforgeError('INVALID_ARGUMENT', `--${name} ${String(v)} is not a whole number${limits.of ? ` of ${limits.of}` : ''}.`, `Try --${name} ${limits.example}.`)
  }
  return n
}

/** --rate for recordings and the project signal: Hz above 0, up to 100 kHz. */
export function rateHz(v: unknown): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!(n > 0 && n <= 100_000)) throw new MicroforgeError('INVALID_ARGUMENT', `--rate ${String(v)} is not a rate in Hz.`, 'Try --rate 119.')
  return n
}

/** The TFLM kernel sets the virtual board can build against (--kernels of profile run and sim-board). */
export const KERNEL_SETS = ['reference', 'cmsis-nn'] as const

export function kernelSet(v: unknown, hintSuffix = ''): (typeof KERNEL_SETS)[number] | undefined {
  if (v === undefined) return undefined
  const s = String(v)
  if (!(KERNEL_SETS as readonly string[]).includes(s)) throw new MicroforgeError('INVALID_ARGUMENT', `--kernels ${s} is not a TFLM kernel set.`, `Use --kernels reference or --kernels cmsis-nn${hintSuffix}.`)
  return s as (typeof KERNEL_SETS)[number]
}
