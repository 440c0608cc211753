import { MicroforgeError } from '../../../shared/errors'
import { MAX_SAMPLE_MAGNITUDE, magnitudeProblem } from '../../../shared/dataset'
import { defaultAxisNames, isIdentifier, parseFiniteNumber, splitTokens } from '../serial/number-tokens'
import { GrowableF64 } from './growable'
import { rowsOf } from './window-rows'

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
  const windows: number[][][] = []
  const reader = new ImuCaptureReader((w, axes) => windows.push(rowsOf(w, axes)))
  for (const line of text.split(/\r\n|\r|\n/)) reader.push(line)
  return { axes: reader.finish().axes, windows }
}

/** What a first pass over an IMU_Capture file keeps: its axes and each gesture's length. */
export interface ImuCaptureScan {
  axes: string[]
  lengths: number[]
}

/**
 * The IMU_Capture parser fed one line at a time, so a large file is read in bounded memory
 * (issue #17). Without `onWindow` it keeps only each gesture's length (a first pass that checks
 * every line); with it, each gesture's samples (row-major) are handed on once the gesture ends.
 */
export class ImuCaptureReader {
  private index = -1
  private axes: string[] | null = null
  private readonly lengths: number[] = []
  private current = 0
  private values: GrowableF64 | null

  constructor(private readonly onWindow: ((values: Float64Array, axes: number) => void) | null = null) {
    this.values = onWindow ? new GrowableF64() : null
  }

  push(text: string): void {
    const i = ++this.index
    const line = i === 0 ? text.replace(/^\uFEFF/, '') : text
    const tokens = splitTokens(line)
    if (tokens.length === 0) {
      this.flush()
      return
    }
    const values = tokens.map((t) => parseFiniteNumber(t.text))
    if (values.every((v) => v === null) && tokens.every((t) => isIdentifier(t.text))) {
      const names = tokens.map((t) => t.text)
      if (this.axes === null && this.lengths.length === 0 && this.current === 0) {
        this.axes = names
        return
      }
      // Sketches that reprint the header before each gesture: a header also ends a window.
      if (this.axes !== null && names.join(',') === this.axes.join(',')) {
        this.flush()
        return
      }
      throw parseError(i, line, 'is a second, different header')
    }
    if (values.some((v) => v === null)) throw parseError(i, line, 'has a value that is not a finite number')
    if (values.some((v) => Math.abs(v as number) > MAX_SAMPLE_MAGNITUDE)) {
      const p = magnitudeProblem(`Line ${i + 1}`)
      throw new MicroforgeError('PARSE_ERROR', p.message, p.hint)
    }
    if (this.axes === null) this.axes = tokens.every((t) => t.key !== null) ? tokens.map((t) => t.key as string) : defaultAxisNames(values.length)
    if (values.length !== this.axes.length) {
      throw parseError(i, line, `has ${values.length} columns, expected ${this.axes.length}`)
    }
    this.current++
    if (this.values) for (const v of values) this.values.push(v as number)
  }

  finish(): ImuCaptureScan {
    this.flush()
    if (this.axes === null || this.lengths.length === 0) {
      throw new MicroforgeError('PARSE_ERROR', 'The file holds no samples.', 'Export the capture again: a header line like aX,aY,aZ,gX,gY,gZ, then one line of numbers per sample.')
    }
    return { axes: this.axes, lengths: this.lengths }
  }

  private flush(): void {
    if (this.current === 0) return
    this.lengths.push(this.current)
    this.current = 0
    if (this.values && this.onWindow) {
      // A view, valid during the call: no buffer is allocated per gesture.
      this.onWindow(this.values.view(), (this.axes as string[]).length)
      this.values.clear()
    }
  }
}

/** Names the line, never quotes it: the file may not be a sensor file at all (issue #17). */
function parseError(index: number, _line: string, what: string): MicroforgeError {
  return new MicroforgeError('PARSE_ERROR', `Line ${index + 1} ${what}.`, 'Fix or delete that line in the file and import it again.')
}
