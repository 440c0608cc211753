/**
 * Splitting one text line into tokens the way boards print them: comma, semicolon, tab or spaces,
 * optionally `key:value` or `key=value` pairs. Shared by the live stream parser and file importers.
 */

/** One token of a line: a key when the board printed `key:value`, and the raw value text. */
export interface Token {
  key: string | null
  text: string
}

const SEPARATORS = /[,;\t ]+/
// Keys are labels like `aX`, `acc.x` or the `a/g` prefix of the i2cdevlib MPU6050 example sketch.
const KEY_VALUE = /^([A-Za-z_µ][^\s:=,;]*)[:=](.*)$/

export function splitTokens(line: string): Token[] {
  const trimmed = line.trim()
  if (trimmed === '') return []
  const keyed = trimmed.includes(':') || trimmed.includes('=')
  // `aX: 0.1, aY: 0.2` puts a space between key and value; glue them before splitting.
  const glued = keyed ? trimmed.replace(/\s*([:=])\s*/g, '$1') : trimmed
  const out: Token[] = []
  for (const part of glued.split(SEPARATORS)) {
    if (part === '') continue
    const kv = keyed ? KEY_VALUE.exec(part) : null
    out.push(kv ? { key: kv[1], text: kv[2] } : { key: null, text: part })
  }
  return out
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/** A finite number, or null: NaN, inf, hex and stray characters are all rejected. */
export function parseFiniteNumber(text: string): number | null {
  if (!NUMBER.test(text)) return null
  const v = Number(text)
  return Number.isFinite(v) ? v : null
}

/** True when the text looks like a word (an axis name in a header), not a broken number. */
export function isIdentifier(text: string): boolean {
  return /^[A-Za-z_µ][\w.µ/()[\]-]*$/.test(text) && !/^(nan|inf|infinity|-inf|ovf)$/i.test(text)
}

/** Conventional axis names for a column count when the board prints no header. */
export function defaultAxisNames(count: number): string[] {
  if (count === 3) return ['aX', 'aY', 'aZ']
  if (count === 6) return ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ']
  if (count === 9) return ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ', 'mX', 'mY', 'mZ']
  return Array.from({ length: count }, (_, i) => `ch${i}`)
}
