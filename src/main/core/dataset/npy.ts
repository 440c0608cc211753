import { MAX_SAMPLE_MAGNITUDE, magnitudeProblem } from '../../../shared/dataset'
import { MicroforgeError } from '../../../shared/errors'
import { rowsOf } from './window-rows'

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
  const h = readNpyHeader(bytes, bytes.length, name)
  const raw = decodeNpyValues(bytes.subarray(h.dataStart, h.dataStart + h.count * h.size), h, 0, name)
  const data = h.fortran ? fortranToC(raw, h.shape) : raw
  return { shape: h.shape, data, dtype: h.dtype }
}

/** What the header of a .npy file says, checked against the file's length. */
export interface NpyHeader {
  shape: number[]
  dtype: string
  /** Bytes per value. */
  size: number
  fortran: boolean
  /** Offset of the first value. */
  dataStart: number
  /** Values in the file. */
  count: number
  read: (view: DataView, offset: number) => number
}

/** Bytes from the start of the file that hold the header (at least 12: read those first). */
export function npyHeaderEnd(first: Uint8Array): number {
  if (first.length < 10 || MAGIC.some((b, i) => first[i] !== b)) return first.length
  const view = new DataView(first.buffer, first.byteOffset, first.byteLength)
  if (first[6] === 1) return 10 + view.getUint16(8, true)
  return first.length < 12 ? first.length : 12 + view.getUint32(8, true)
}

/**
 * The header, from the file's first bytes (`head`: at least npyHeaderEnd of them, or the whole
 * file) and its length in bytes, so a large file's values can be read in pieces.
 */
export function readNpyHeader(head: Uint8Array, fileBytes: number, name = 'the file'): NpyHeader {
  const fail = npyProblem(name)
  if (head.length < 10 || MAGIC.some((b, i) => head[i] !== b)) throw fail('it does not start with the .npy signature')
  const major = head[6]
  if (major < 1 || major > 3) throw fail(`format version ${major} is unknown`)
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
  if (major > 1 && head.length < 12) throw fail('the header is cut short')
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true)
  const headerStart = major === 1 ? 10 : 12
  const dataStart = headerStart + headerLen
  if (dataStart > fileBytes || dataStart > head.length) throw fail('the header is cut short')
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(head.subarray(headerStart, dataStart))

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
  const read = elementReader(kind, size, order !== '>')
  if (!read) throw fail(`values of type ${descr[1]}${kind}${size} are not supported (use float32, float64 or integers)`)
  const count = shape.reduce((a, b) => a * b, 1)
  if (dataStart + count * size > fileBytes) throw fail(`it holds fewer values than its shape (${shape.join(' x ')}) says`)
  return { shape, dtype: `${kind}${size}`, size, fortran: fortran[1] === 'True', dataStart, count, read }
}

/** Values `first`, `first + 1`, ... in file order from their bytes, each checked (finite, within the sensor range); into `into` when it is large enough. */
export function decodeNpyValues(bytes: Uint8Array, h: NpyHeader, first: number, name = 'the file', into?: Float64Array): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const n = Math.floor(bytes.length / h.size)
  const out = into && into.length >= n ? into.subarray(0, n) : new Float64Array(n)
  for (let k = 0; k < n; k++) {
    const v = h.read(view, k * h.size)
    if (!Number.isFinite(v)) throw npyProblem(name)(`value ${first + k} is ${v}`)
    if (Math.abs(v) > MAX_SAMPLE_MAGNITUDE) {
      const p = magnitudeProblem(`${name}, value ${first + k}`)
      throw new MicroforgeError('PARSE_ERROR', p.message, p.hint)
    }
    out[k] = v
  }
  return out
}

/** The windows an array's shape holds: how many, and each one's samples and axes. */
export function npyWindowShape(shape: number[], name = 'the file'): { windows: number; samples: number; axes: number } {
  if (shape.length === 1) return { windows: 1, samples: shape[0], axes: 1 }
  if (shape.length === 2) return { windows: 1, samples: shape[0], axes: shape[1] }
  if (shape.length === 3) return { windows: shape[0], samples: shape[1], axes: shape[2] }
  throw new MicroforgeError('PARSE_ERROR', `${name} has shape (${shape.join(', ')}); expected (samples, axes).`, 'Save one window per file shaped (samples, axes), or a stack shaped (windows, samples, axes).')
}

function npyProblem(name: string): (what: string) => MicroforgeError {
  return (what) => new MicroforgeError('PARSE_ERROR', `${name} is not a NumPy array file we can read: ${what}.`, 'Save it with numpy.save(path, array.astype(np.float32)) and import it again.')
}

function elementReader(kind: string, size: number, little: boolean): ((view: DataView, off: number) => number) | null {
  if (kind === 'f' && size === 4) return (view, o) => view.getFloat32(o, little)
  if (kind === 'f' && size === 8) return (view, o) => view.getFloat64(o, little)
  if (kind === 'i' && size === 1) return (view, o) => view.getInt8(o)
  if (kind === 'i' && size === 2) return (view, o) => view.getInt16(o, little)
  if (kind === 'i' && size === 4) return (view, o) => view.getInt32(o, little)
  if (kind === 'i' && size === 8) return (view, o) => Number(view.getBigInt64(o, little))
  if (kind === 'u' && size === 1) return (view, o) => view.getUint8(o)
  if (kind === 'u' && size === 2) return (view, o) => view.getUint16(o, little)
  if (kind === 'u' && size === 4) return (view, o) => view.getUint32(o, little)
  if (kind === 'u' && size === 8) return (view, o) => Number(view.getBigUint64(o, little))
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
  const { windows, samples, axes } = npyWindowShape(arr.shape, name)
  return Array.from({ length: windows }, (_, i) => rowsOf(arr.data.subarray(i * samples * axes, (i + 1) * samples * axes), axes, name))
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
