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

export interface SampleFile extends SampleWindow {
  format: 'microforge-sample'
  version: number
}
