import { resolve } from 'node:path'
import type { ImportFormat, ImportResult } from '../../shared/contract/dataset'
import { MicroforgeError } from '../../shared/errors'
import type { CliCommand } from '../command'

export const command: CliCommand = {
  name: 'import',
  usage: 'microforge import PROJECT PATH... [--format auto|csv|imu-capture|npy] [--label NAME] [--window-length N] [--pad zeros|repeat-last] [--json]',
  summary: 'Import recordings into a project: CSV (label column or one file per class), IMU_Capture CSV, or a data/<class>/*.npy tree.',
  options: {
    format: { type: 'string', default: 'auto', description: 'auto, csv, imu-capture or npy' },
    label: { type: 'string', description: 'Class for files without a label column (default: the file or folder name)' },
    'window-length': { type: 'string', description: 'Trim or pad every window to N samples' },
    pad: { type: 'string', description: 'zeros (default) or repeat-last' }
  },
  positionals: [2, Infinity],
  async run(ctx, [project, ...paths], opts) {
    const format = String(opts.format ?? 'auto') as ImportFormat
    if (!['auto', 'csv', 'imu-capture', 'npy'].includes(format)) throw new MicroforgeError('INVALID_ARGUMENT', `Unknown --format ${format}.`, 'Use auto, csv, imu-capture or npy.')
    const wl = opts['window-length']
    const windowLength = typeof wl === 'string' ? Number(wl) : undefined
    if (windowLength !== undefined && !(Number.isInteger(windowLength) && windowLength >= 1)) {
      throw new MicroforgeError('INVALID_ARGUMENT', `--window-length ${String(wl)} is not a whole number of samples.`, 'Try --window-length 50.')
    }
    const pad = opts.pad === undefined ? undefined : String(opts.pad)
    if (pad !== undefined && pad !== 'zeros' && pad !== 'repeat-last') throw new MicroforgeError('INVALID_ARGUMENT', `Unknown --pad ${pad}.`, 'Use zeros or repeat-last.')
    const result = await ctx.api.dataset.import(
      resolve(project),
      paths.map((p) => resolve(p)),
      {
        format,
        ...(typeof opts.label === 'string' ? { label: opts.label } : {}),
        ...(windowLength !== undefined ? { windowLength } : {}),
        ...(pad !== undefined ? { pad } : {})
      }
    )
    return result
  },
  format(result) {
    const r = result as ImportResult
    const classes = Object.entries(r.classes)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')
    return [
      `Imported ${r.ids.length} windows from ${r.files} file${r.files === 1 ? '' : 's'} (${classes}).`,
      `Window length ${r.windowLength} samples, axes ${r.axes.join(', ')}${r.resized ? `; ${r.resized} windows trimmed or padded` : ''}.`
    ].join('\n')
  }
}
