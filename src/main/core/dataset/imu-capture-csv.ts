import { MicroforgeError } from '../../../shared/errors'
import { MAX_SAMPLE_MAGNITUDE, magnitudeProblem } from '../../../shared/dataset'
import { defaultAxisNames, isIdentifier, parseFiniteNumber, splitTokens } from '../serial/number-tokens'

/**
 * The format printed by the Arduino "IMU_Capture" style sketches: an optional header line naming
 * the axes (`aX,aY,aZ,gX,gY,gZ`), then one line per sample, gestures separated by a blank line.
 * The window length comes from the file (30 on an MPU6050 sketch, 119 on a Nano 33 BLE Sense),
 * never from an assumption. windows[w][t][a] is sample t of axis axes[a] in gesture w.
 */
export interface ImuCaptureCsv {
  axes: string[]
  windows: number[][][]
}

export function parseImuCaptureCsv(text: string): ImuCaptureCsv {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
  let axes: string[] | null = null
  const windows: number[][][] = []
  let current: number[][] = []
  const flush = (): void => {
    if (current.length > 0) windows.push(current)
    current = []
  }

  for (let i = 0; i < lines.length; i++) {
    const tokens = splitTokens(lines[i])
    if (tokens.length === 0) {
      flush()
      continue
    }
    const values = tokens.map((t) => parseFiniteNumber(t.text))
    if (values.every((v) => v === null) && tokens.every((t) => isIdentifier(t.text))) {
      const names = tokens.map((t) => t.text)
      if (axes === null && windows.length === 0 && current.length === 0) {
        axes = names
        continue
      }
      // Sketches that reprint the header before each gesture: a header also ends a window.
      if (axes !== null && names.join(',') === axes.join(',')) {
        flush()
        continue
      }
      throw parseError(i, lines[i], 'is a second, different header')
    }
    if (values.some((v) => v === null)) throw parseError(i, lines[i], 'has a value that is not a finite number')
    if (values.some((v) => Math.abs(v as number) > MAX_SAMPLE_MAGNITUDE)) {
      const p = magnitudeProblem(`Line ${i + 1}`)
      throw new MicroforgeError('PARSE_ERROR', p.message, p.hint)
    }
    if (axes === null) axes = tokens.every((t) => t.key !== null) ? tokens.map((t) => t.key as string) : defaultAxisNames(values.length)
    if (values.length !== axes.length) {
      throw parseError(i, lines[i], `has ${values.length} columns, expected ${axes.length}`)
    }
    current.push(values as number[])
  }
  flush()

  if (axes === null || windows.length === 0) {
    throw new MicroforgeError('PARSE_ERROR', 'The file holds no samples.', 'Export the capture again: a header line like aX,aY,aZ,gX,gY,gZ, then one line of numbers per sample.')
  }
  return { axes, windows }
}

/** Names the line, never quotes it: the file may not be a sensor file at all (issue #17). */
function parseError(index: number, _line: string, what: string): MicroforgeError {
  return new MicroforgeError('PARSE_ERROR', `Line ${index + 1} ${what}.`, 'Fix or delete that line in the file and import it again.')
}
