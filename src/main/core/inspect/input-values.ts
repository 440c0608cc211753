import { MicroforgeError } from '../../../shared/errors'
import type { KernelTensor } from '../quant/kernels/types'

/**
 * Input values for one tensor from a file's bytes: raw bytes in the tensor's own type (int8 bytes,
 * float32 little-endian), or numbers as JSON (.json) or text (.txt, .csv).
 */
export function decodeInput(bytes: Uint8Array, file: string, t: KernelTensor): ArrayLike<number> {
  const ext = /\.[^./\\]*$/.exec(file)?.[0].toLowerCase() ?? ''
  if (ext === '.json' || ext === '.txt' || ext === '.csv') {
    const text = new TextDecoder().decode(bytes)
    let values: unknown[]
    try {
      values = ext === '.json' ? [JSON.parse(text) as unknown].flat(9) : text.split(/[\s,;]+/).filter(Boolean)
    } catch {
      throw new MicroforgeError('INVALID_ARGUMENT', `${file} is not valid JSON.`, 'Give a JSON array of numbers, e.g. [0, -64, 12].')
    }
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
  const buf = new Uint8Array(bytes).buffer
  switch (t.type) {
    case 'INT8': return new Int8Array(buf)
    case 'UINT8': return new Uint8Array(buf)
    case 'INT16': return new Int16Array(buf)
    case 'INT32': return new Int32Array(buf)
    case 'FLOAT32': return new Float32Array(buf)
    default: throw new MicroforgeError('UNSUPPORTED', `Input "${t.name}" has type ${t.type}, which Microforge cannot fill.`)
  }
}
