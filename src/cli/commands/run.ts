import { resolve } from 'node:path'
import type { ModelRunResult } from '../../shared/contract/model'
import { defineCommand } from '../command'
import { texts } from '../options'

export const command = defineCommand('run', 'FILE.tflite --input RAW.bin [--input RAW2.bin] [--json]', 'Run a .tflite once with the Microforge interpreter (TensorFlow Lite Micro arithmetic) and print its outputs.', {
  options: { input: texts('Input tensor file: raw bytes in the tensor type, or .json/.txt numbers') },
  positionals: [1, 1],
  async run(ctx, [file], opts) {
    const files = Array.isArray(opts.input) ? opts.input : typeof opts.input === 'string' ? [opts.input] : []
    return ctx.api.model.run(resolve(file), files.map((f) => resolve(f)))
  },
  format(result) {
    const r = result as ModelRunResult
    return r.outputs.map((o, i) => `Output ${i} (${r.types[i]} [${r.shapes[i].join(', ')}]): ${o.join(', ')}`).join('\n')
  }
})
