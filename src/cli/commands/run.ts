import { extname } from 'node:path'
import { MicroforgeError } from '../../shared/errors'
import { Interpreter, type IoArray } from '../../main/core/interpreter'
import type { KernelTensor } from '../../main/core/quant/kernels/types'
import { parseTflite } from '../../main/core/tflite/reader'
import type { CliCommand } from '../command'
import { readModelFile } from './inspect'

export interface RunResult {
  outputs: number[][]
  types: string[]
  shapes: number[][]
}

/**
 * Input values for one tensor from a file: raw bytes in the tensor's own type (int8 bytes,
 * float32 little-endian), or numbers as JSON (.json) or text (.txt, .csv).
 */
export function decodeInput(bytes: Uint8Array, file: string, t: KernelTensor): ArrayLike<number> {
  const ext = extname(file).toLowerCase()
  if (ext === '.json' || ext === '.txt' || ext === '.csv') {
    const text = new TextDecoder().decode(bytes)
    const values = ext === '.json' ? (JSON.parse(text) as unknown[]).flat(8) : text.split(/[\s,;]+/).filter(Boolean)
    const nums = values.map(Number)
    if (nums.some((n) => !Number.isFinite(n))) throw new MicroforgeError('INVALID_ARGUMENT', `${file} contains something that is not a number.`, 'Give one number per value.')
    return nums
  }
  const width = t.data.BYTES_PER_ELEMENT
  if (bytes.byteLength !== t.data.length * width) {
    throw new MicroforgeError(
      'INVALID_ARGUMENT',
      `${file} has ${bytes.byteLength} bytes; input "${t.name}" (${t.type} [${t.shape.join(', ')}]) needs ${t.data.length * width}.`,
      `Write the ${t.data.length} values as raw ${t.type.toLowerCase()} (little-endian), or pass a .json/.txt file of numbers.`
    )
  }
  const copy = new Uint8Array(bytes)
  const buf = copy.buffer
  switch (t.type) {
    case 'INT8': return new Int8Array(buf)
    case 'UINT8': return new Uint8Array(buf)
    case 'INT16': return new Int16Array(buf)
    case 'INT32': return new Int32Array(buf)
    case 'FLOAT32': return new Float32Array(buf)
    default: throw new MicroforgeError('UNSUPPORTED', `Input "${t.name}" has type ${t.type}, which this command cannot fill.`)
  }
}

export const command: CliCommand = {
  name: 'run',
  usage: 'microforge run FILE.tflite --input RAW.bin [--input RAW2.bin] [--json]',
  summary: 'Run a .tflite once with the Microforge interpreter (TensorFlow Lite Micro arithmetic) and print its outputs.',
  options: { input: { type: 'string', multiple: true, description: 'Input tensor file: raw bytes in the tensor type, or .json/.txt numbers' } },
  positionals: [1, 1],
  async run(_ctx, [file], opts) {
    const interp = new Interpreter(parseTflite(await readModelFile(file)))
    const files = Array.isArray(opts.input) ? opts.input : typeof opts.input === 'string' ? [opts.input] : []
    if (files.length !== interp.inputs.length) {
      throw new MicroforgeError(
        'INVALID_ARGUMENT',
        `This model takes ${interp.inputs.length} input tensor(s); ${files.length} --input file(s) given.`,
        interp.inputs.map((t, i) => `Input ${i}: ${t.type} [${t.shape.join(', ')}]`).join('; ')
      )
    }
    const inputs = await Promise.all(files.map(async (f, i) => decodeInput(await readModelFile(f, 'input'), f, interp.inputs[i])))
    const outputs: IoArray[] = interp.invoke(inputs)
    const result: RunResult = {
      outputs: outputs.map((o) => Array.from(o)),
      types: interp.outputs.map((t) => t.type),
      shapes: interp.outputs.map((t) => t.shape)
    }
    return result
  },
  format(result) {
    const r = result as RunResult
    return r.outputs.map((o, i) => `Output ${i} (${r.types[i]} [${r.shapes[i].join(', ')}]): ${o.join(', ')}`).join('\n')
  }
}
