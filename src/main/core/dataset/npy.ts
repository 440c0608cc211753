import { MAX_SAMPLE_MAGNITUDE, magnitudeProblem } from '../../../shared/dataset'
import { MicroforgeError } from '../../../shared/errors'

/**
 * NumPy .npy files (format 1.0 to 3.0): the tutorials keep one gesture per file, float32 shaped
 * (samples, axes), in data/<class>/. Reading also takes float64 and integer files, 1-D files (one
 * axis), 3-D files (a stack of windows) and Fortran order.
 */
export interface NpyArray {
  shape: number[]
  /** Row-major (C order) values. */
  data: Float64Array
  dtype: string
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] // \x93NUMPY

export function readNpy(bytes: Uint8Array, name = 'the file'): NpyArray {
  const fail = (what: string): MicroforgeError =>
    new MicroforgeError('PARSE_ERROR', `${name} is not a NumPy array file we can read: ${what}.`, 'Save it with numpy.save(path, array.astype(np.float32)) and import it again.')
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw fail('it does not start with the .npy signature')
  const major = bytes[6]
  if (major < 1 || major > 3) throw fail(`format version ${major} is unknown`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true)
  const headerStart = major === 1 ? 10 : 12
  const dataStart = headerStart + headerLen
  if (dataStart > bytes.length) throw fail('the header is cut short')
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart))

  const descr = /'descr'\s*:\s*'([<>|=]?)([a-zA-Z])(\d*)'/.exec(header)
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)
  const shapeM = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)
  if (!descr || !fortran || !shapeM) throw fail('its header is malformed')
  const shape = shapeM[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number)
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw fail('its shape is malformed')
  const [order, kind, sizeText] = [descr[1], descr[2], descr[3]]
  const size = Number(sizeText)
  const little = order !== '>'
  const read = elementReader(kind, size, view, little)
  if (!read) throw fail(`values of type ${descr[1]}${kind}${size} are not supported (use float32, float64 or integers)`)

  const count = shape.reduce((a, b) => a * b, 1)
  if (dataStart + count * size > bytes.length) throw fail(`it holds fewer values than its shape (${shape.join(' x ')}) says`)
  const raw = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    const v = read(dataStart + i * size)
    if (!Number.isFinite(v)) throw fail(`value ${i} is ${v}`)
    if (Math.abs(v) > MAX_SAMPLE_MAGNITUDE) {
      const p = magnitudeProblem(`${name}, value ${i}`)
      throw new MicroforgeError('PARSE_ERROR', p.message, p.hint)
    }
    raw[i] = v
  }
  const data = fortran[1] === 'True' ? fortranToC(raw, shape) : raw
  return { shape, data, dtype: `${kind}${size}` }
}

function elementReader(kind: string, size: number, view: DataView, little: boolean): ((off: number) => number) | null {
  if (kind === 'f' && size === 4) return (o) => view.getFloat32(o, little)
  if (kind === 'f' && size === 8) return (o) => view.getFloat64(o, little)
  if (kind === 'i' && size === 1) return (o) => view.getInt8(o)
  if (kind === 'i' && size === 2) return (o) => view.getInt16(o, little)
  if (kind === 'i' && size === 4) return (o) => view.getInt32(o, little)
  if (kind === 'i' && size === 8) return (o) => Number(view.getBigInt64(o, little))
  if (kind === 'u' && size === 1) return (o) => view.getUint8(o)
  if (kind === 'u' && size === 2) return (o) => view.getUint16(o, little)
  if (kind === 'u' && size === 4) return (o) => view.getUint32(o, little)
  if (kind === 'u' && size === 8) return (o) => Number(view.getBigUint64(o, little))
  return null
}

function fortranToC(src: Float64Array, shape: number[]): Float64Array {
  const out = new Float64Array(src.length)
  const n = shape.length
  const idx = new Array<number>(n).fill(0)
  for (let f = 0; f < src.length; f++) {
    // f walks the Fortran order: first index fastest.
    let c = 0
    for (let d = 0; d < n; d++) c = c * shape[d] + idx[d]
    out[c] = src[f]
    for (let d = 0; d < n; d++) {
      if (++idx[d] < shape[d]) break
      idx[d] = 0
    }
  }
  return out
}

/**
 * The windows in an array: (samples, axes) is one window, (samples,) one window of one axis,
 * (windows, samples, axes) a stack.
 */
export function npyToWindows(arr: NpyArray, name = 'the file'): number[][][] {
  const { shape, data } = arr
  const rows = (offset: number, samples: number, axes: number): number[][] => {
    const w: number[][] = []
    for (let t = 0; t < samples; t++) w.push(Array.from(data.subarray(offset + t * axes, offset + (t + 1) * axes)))
    return w
  }
  if (shape.length === 1) return [rows(0, shape[0], 1)]
  if (shape.length === 2) return [rows(0, shape[0], shape[1])]
  if (shape.length === 3) {
    const [n, s, a] = shape
    return Array.from({ length: n }, (_, i) => rows(i * s * a, s, a))
  }
  throw new MicroforgeError('PARSE_ERROR', `${name} has shape (${shape.join(', ')}); expected (samples, axes).`, 'Save one window per file shaped (samples, axes), or a stack shaped (windows, samples, axes).')
}

/** A float32 .npy (format 1.0) of a (samples, axes) window, as numpy.save writes it. */
export function writeNpy(values: number[][]): Uint8Array {
  const samples = values.length
  const axes = samples > 0 ? values[0].length : 0
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${samples}, ${axes}), }`
  // numpy pads the header with spaces so the data starts on a 64-byte boundary, ending in \n.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64
  header = header.padEnd(total - 10 - 1, ' ') + '\n'
  const out = new Uint8Array(total + samples * axes * 4)
  out.set(MAGIC, 0)
  out[6] = 1
  out[7] = 0
  const view = new DataView(out.buffer)
  view.setUint16(8, header.length, true)
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i)
  let off = total
  for (const row of values) {
    if (row.length !== axes) throw new RangeError('ragged window')
    for (const v of row) {
      view.setFloat32(off, v, true)
      off += 4
    }
  }
  return out
}
