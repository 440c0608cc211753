import { parseFiniteNumber, splitTokens } from '../serial/number-tokens'

/**
 * Whether a text file looks like sensor data at all: most of its non-empty lines (a header and a
 * few notes aside) hold at least one number. A shopping list or a README does not.
 */
export function looksLikeSensorText(text: string): boolean {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, 200)
  if (lines.length === 0) return false
  const numeric = lines.filter((l) => splitTokens(l).some((t) => parseFiniteNumber(t.text) !== null)).length
  return numeric >= Math.max(1, lines.length / 2)
}
