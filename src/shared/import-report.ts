/** What an import did to each file (shared by the dataset contract, the CLI and Capture). */
export type CropAt = 'start' | 'center' | 'end'
export type PadAt = 'start' | 'end'

export interface FileReport {
  file: string
  label: string
  /** The file's own rate, and where it came from. */
  rateHz: number | null
  rateFrom: 'time column' | 'given' | 'none'
  recordings: number
  samples: number
  windows: number
  /** What was done, in words ("resampled 119 Hz -> 50 Hz", "cut into windows of 50 samples, hop 25"). */
  actions: string[]
}
