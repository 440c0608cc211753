/**
 * Formatting of C source text: identifiers, number literals that round-trip exactly, array bodies,
 * string literals and comments. Text from a project reaches generated code only through these.
 */
import { MicroforgeError } from '../../../shared/errors'


/** A C identifier from any string: letters, digits and underscores, never starting with a digit. */
export function cIdentifier(s: string): string {
  const id = s.replace(/[^A-Za-z0-9_]/g, '_').replace(/_+/g, '_')
  return /^[0-9]/.test(id) || id === '' ? `_${id}` : id
}

/** A float32 value as a C float literal that parses back to the same float. */
export function cFloat(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`non-finite constant ${x}`)
  const s = Math.fround(x).toPrecision(9)
  return `${/[.e]/.test(s) ? s : `${s}.0`}f`
}

/** A double literal that parses back to exactly this JS number (17 significant digits). */
export function cDouble(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`non-finite constant ${x}`)
  const s = x.toPrecision(17)
  return /[.e]/.test(s) ? s : `${s}.0`
}

/** An int32 literal; INT32_MIN cannot be written directly in C. */
export function cInt32(x: number): string {
  return x === -2147483648 ? '(-2147483647 - 1)' : String(x)
}

/** Array body, `perLine` values per line, indented by two spaces. */
export function cArrayBody(values: ArrayLike<number>, perLine: number, format: (v: number) => string = String): string {
  const lines: string[] = []
  for (let i = 0; i < values.length; i += perLine) {
    const row: string[] = []
    for (let j = i; j < Math.min(values.length, i + perLine); j++) row.push(format(values[j]))
    lines.push(`  ${row.join(', ')}`)
  }
  return lines.join(',\n')
}

/**
 * Text for a comment in generated C/C++ or a build file (CMake `#`, INI `;`, YAML `#`): one line
 * of letters, digits, spaces and `_ . , : + ( ) -` only, at most 80 characters. No newline (ends a
 * `//` comment), no backslash or `??/` (line splice), no `*` or `/` (ends a block comment), so text
 * from a project can never leave the comment in any of those languages.
 */
export function cComment(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9 _.,:+()-]/g, '_')
    .replace(/_+/g, '_')
    .slice(0, 80)
}

/**
 * A C/C++ string literal for any text: printable ASCII as is, `"` `\\` and `?` escaped (no
 * trigraphs), every other byte of its UTF-8 as a three-digit octal escape (U+2028 included).
 */
export function cString(s: string): string {
  let out = '"'
  for (const byte of new TextEncoder().encode(s)) {
    const ch = String.fromCharCode(byte)
    if (ch === '"' || ch === '\\' || ch === '?') out += `\\${ch}`
    else if (byte >= 0x20 && byte < 0x7f) out += ch
    else out += `\\${byte.toString(8).padStart(3, '0')}`
  }
  return `${out}"`
}

/** An integer for generated code, refused unless it is a safe integer within [min, max]. */
export function cInteger(x: unknown, min: number, max: number, what: string): string {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min || x > max) {
    throw new MicroforgeError('INVALID_ARGUMENT', `The ${what} (${String(x).slice(0, 40)}) is not a whole number from ${min} to ${max}.`, 'Check the project settings, or train the model again.')
  }
  return String(x)
}
