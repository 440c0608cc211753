import { join, resolve } from 'node:path'
import type { ExportResult } from '../../shared/contract/dataset'
import { MicroforgeError } from '../../shared/errors'
import { defineCommand } from '../command'
import { text } from '../options'
import { formatNoun } from '../../shared/format'

export const command = defineCommand('export', 'PROJECT [--format npy|csv] [--out DIR] [--json]', "Export a project's windows as a data/<class>/*.npy tree (float32, samples x axes) or as one CSV.", {
  options: {
    format: text('npy or csv', 'npy'),
    out: text('Folder to write into, or a .csv file name (default PROJECT/export, PROJECT/export/dataset.csv with --format csv)')
  },
  positionals: [1, 1],
  async run(ctx, [project], opts) {
    const format = String(opts.format)
    if (format !== 'npy' && format !== 'csv') throw new MicroforgeError('INVALID_ARGUMENT', `Unknown --format ${format}.`, 'Use npy or csv.')
    // By default inside the project folder, never in whatever folder the shell happens to be in.
    const out = typeof opts.out === 'string' && opts.out !== '' ? resolve(opts.out) : join(resolve(project), 'export', ...(format === 'csv' ? ['dataset.csv'] : []))
    return ctx.api.dataset.export(resolve(project), format, out)
  },
  format(result) {
    const r = result as ExportResult
    return `Exported ${formatNoun(r.windows, 'window')} to ${r.out} (${formatNoun(r.files, 'file')}).`
  }
})
