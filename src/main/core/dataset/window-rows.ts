import { MicroforgeError } from '../../../shared/errors'

/**
 * A window's rows from its values in row-major (C) order: row t is values[t * axes .. (t + 1) * axes).
 * Every reader (labelled CSV, IMU_Capture, .npy) cuts its values into rows here. Values past the
 * last whole row are not a row.
 */
export function rowsOf(values: Float64Array, axes: number, name = 'The file'): number[][] {
  if (!Number.isInteger(axes) || axes < 1) {
    throw new MicroforgeError('PARSE_ERROR', `${name} has ${axes} sensor axes per sample; a window needs at least one.`, 'Export the recording with at least one sensor column (for example ax, ay, az) and import it again.')
  }
  const rows: number[][] = []
  for (let k = 0; k + axes <= values.length; k += axes) rows.push(Array.from(values.subarray(k, k + axes)))
  return rows
}
