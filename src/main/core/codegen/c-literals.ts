/** Formatting of C source text: identifiers, number literals that round-trip exactly, array bodies. */

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

/** A C comment body with no premature terminator. */
export function cComment(s: string): string {
  return s.replace(/\*\//g, '* /')
}
