/**
 * One recorded or imported window, stored as samples/<id>.json in the project (one file per window,
 * written atomically). values[t][a] is sample t of axis axes[a], in the sensor's units.
 */
export interface SampleWindow {
  id: string
  label: string
  split: 'train' | 'test'
  axes: string[]
  /** Samples per second when known (from timestamps or arrival times), else null. */
  rateHz: number | null
  values: number[][]
  /** Where it came from: 'capture:/dev/ttyACM0', 'import:punch.csv#3', ... */
  source: string
  createdAt: string
}

/** The file-format version inside each sample file. */
export const SAMPLE_FORMAT_VERSION = 1

/**
 * Largest sensor value an import accepts, in the file's own units. IMU data is in g (+-16),
 * degrees per second (+-4000), microtesla (+-4900) or raw 16-bit counts (+-32768); 1e6 leaves 30x
 * headroom over raw counts and covers 20-bit ADC counts, while a value beyond it (1.7e308 from a
 * broken logger) would make the normalisation range infinite and training produce NaN weights.
 * Squares of 1e6 summed over a whole dataset stay far inside float32 (3.4e38).
 */
export const MAX_SAMPLE_MAGNITUDE = 1e6

/** The message for a value beyond MAX_SAMPLE_MAGNITUDE, naming where it is. */
export function magnitudeProblem(where: string): { message: string; hint: string } {
  return {
    message: `${where}: a value beyond +-${MAX_SAMPLE_MAGNITUDE.toExponential(0)}, larger than any sensor reading Microforge expects.`,
    hint: 'Fix or delete that line. If your sensor really reports such numbers, scale the column down (for example divide by 1000) before importing.'
  }
}

export interface SampleFile extends SampleWindow {
  format: 'microforge-sample'
  version: number
}
