/**
 * What a project.json may hold, checked when it is read and before it is written. Project folders
 * are shared between hobbyists, so every text field is plain text (no control characters, no line
 * or paragraph separators) and every number is finite (zod 4 numbers refuse Infinity and NaN); the preprocessing method is one of a
 * closed set. Unknown keys are kept (newer steps add their own) but never reach generated code.
 */
import { z } from 'zod'

/** C0/C1 control characters, DEL, U+2028/U+2029 and the bidi overrides that can disguise text. */
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

/** True for a name project.json may hold (no line break, control or bidi character; 1-64 characters). */
export function isPlainName(s: string): boolean {
  return s.length >= 1 && s.length <= 64 && !UNSAFE_TEXT.test(s)
}

export const plainText = (max: number): z.ZodString =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !UNSAFE_TEXT.test(s), { message: 'contains a line break or control character' })

const finite = z.number()

export const PREPROCESSING_METHOD_NAMES = ['none', 'fixed-range', 'minmax', 'zscore', 'window-offset'] as const

const preprocessingSchema = z.looseObject({
    method: z.enum(PREPROCESSING_METHOD_NAMES).optional(),
    kind: z.enum(PREPROCESSING_METHOD_NAMES).optional(),
    axes: z.array(plainText(64)).max(64).optional(),
    windowLength: z.number().int().min(1).max(100_000).optional(),
    offset: z.array(finite).max(64).optional(),
    scale: z.array(finite).max(64).optional(),
    min: z.array(finite).max(64).optional(),
    max: z.array(finite).max(64).optional(),
    mean: z.array(finite).max(64).optional(),
    std: z.array(finite).max(64).optional(),
    removeWindowMean: z.boolean().optional()
  })

const classesSchema = z.array(z.looseObject({ name: plainText(64), color: z.string().regex(/^#[0-9a-fA-F]{6}$/) })).max(1000)

const common = {
  format: z.literal('microforge-project'),
  version: z.number().int().min(1),
  name: plainText(200),
  createdAt: z.string().max(100),
  classes: classesSchema,
  settings: z.record(z.string(), z.unknown())
}

/** Format 1: sensor, windowLength and preprocessing at the top level. */
export const projectFileV1Schema = z.looseObject({
  ...common,
  sensor: z
    .looseObject({
      axes: z.array(plainText(64)).max(64),
      rateHz: z.number().positive().max(100_000).nullable(),
      baud: z.number().int().positive().max(10_000_000).nullable(),
      port: z.string().max(4096).nullable()
    })
    .nullable(),
  windowLength: z.number().int().min(1).max(100_000).nullable(),
  preprocessing: preprocessingSchema
})

/** Format 2: the signal spec (shape checked by signalSpecSchema), its text and preprocessing checked here. */
export const projectFileV2Schema = z.looseObject({
  ...common,
  signal: z.looseObject({
    axes: z.array(plainText(64)).max(64),
    units: z.array(plainText(32).nullable()).max(64),
    sensor: z.looseObject({ name: plainText(200).nullable() }),
    preprocessing: preprocessingSchema
  })
})

/** The fields at fault, e.g. "classes.3.name (contains a line break or control character)". */
export function describeProblems(error: z.ZodError, limit = 4): string {
  const seen = new Set<string>()
  const parts: string[] = []
  for (const issue of error.issues) {
    const at = issue.path.map(String).join('.') || 'top level'
    const top = String(issue.path[0] ?? at)
    if (seen.has(top)) continue
    seen.add(top)
    parts.push(issue.message.startsWith('contains') ? `${at} (${issue.message})` : at)
    if (parts.length >= limit) break
  }
  return parts.join(', ')
}
