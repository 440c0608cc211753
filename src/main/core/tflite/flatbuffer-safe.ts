/**
 * Bounds-checked access to a flatbuffer. The flatbuffers JS runtime trusts its input: a bad
 * offset reads garbage, a bad vector length makes it loop for billions of elements or throw a
 * RangeError from a typed-array view. Every read here is checked against the file first, so a
 * damaged .tflite becomes one clear MicroforgeError instead of a crash or a hang.
 */
import { MicroforgeError } from '../../../shared/errors'

export function damaged(detail: string): MicroforgeError {
  return new MicroforgeError(
    'MODEL_ERROR',
    `This file is not a valid TensorFlow Lite model, or it is damaged (${detail}).`,
    'Export the .tflite again from Microforge or your converter; if you copied it, check that the copy is complete.'
  )
}

/** A table located and verified: its vtable lies inside the file and every field lies inside the table. */
export class SafeTable {
  private constructor(
    readonly fb: SafeFlatbuffer,
    readonly pos: number,
    private readonly vtable: number,
    private readonly vtableSize: number,
    private readonly what: string
  ) {}

  static at(fb: SafeFlatbuffer, pos: number, what: string): SafeTable {
    fb.need(pos, 4, what)
    const vtable = pos - fb.view.getInt32(pos, true)
    fb.need(vtable, 4, `${what} vtable`)
    const vtableSize = fb.view.getUint16(vtable, true)
    const tableSize = fb.view.getUint16(vtable + 2, true)
    if (vtableSize < 4 || vtableSize % 2 !== 0) throw damaged(`${what} has a bad field table`)
    fb.need(vtable, vtableSize, `${what} vtable`)
    fb.need(pos, Math.max(tableSize, 4), what)
    for (let o = 4; o < vtableSize; o += 2) {
      const field = fb.view.getUint16(vtable + o, true)
      if (field !== 0 && (field < 4 || field >= tableSize)) throw damaged(`${what} has a field outside its table`)
    }
    return new SafeTable(fb, pos, vtable, vtableSize, what)
  }

  /** Absolute position of field `slot`, or 0 when absent (flatbuffers' convention for defaults). */
  field(slot: number, size: number): number {
    const o = 4 + 2 * slot
    if (o >= this.vtableSize) return 0
    const rel = this.fb.view.getUint16(this.vtable + o, true)
    if (rel === 0) return 0
    this.fb.need(this.pos + rel, size, `${this.what} field ${slot}`)
    return this.pos + rel
  }

  u8(slot: number, dflt: number): number {
    const p = this.field(slot, 1)
    return p ? this.fb.view.getUint8(p) : dflt
  }
  i8(slot: number, dflt: number): number {
    const p = this.field(slot, 1)
    return p ? this.fb.view.getInt8(p) : dflt
  }
  i32(slot: number, dflt: number): number {
    const p = this.field(slot, 4)
    return p ? this.fb.view.getInt32(p, true) : dflt
  }
  u32(slot: number, dflt: number): number {
    const p = this.field(slot, 4)
    return p ? this.fb.view.getUint32(p, true) : dflt
  }
  u64(slot: number): bigint {
    const p = this.field(slot, 8)
    return p ? this.fb.view.getBigUint64(p, true) : 0n
  }

  /** Follows an offset field; null when the field is absent. */
  private target(slot: number, what: string): number | null {
    const p = this.field(slot, 4)
    if (!p) return null
    const t = p + this.fb.view.getUint32(p, true)
    this.fb.need(t, 4, what)
    return t
  }

  table(slot: number, what: string): SafeTable | null {
    const t = this.target(slot, what)
    return t === null ? null : SafeTable.at(this.fb, t, what)
  }

  /** A vector's element start and count, checked to fit in the file and under `maxCount`. */
  vector(slot: number, elementSize: number, maxCount: number, what: string): { start: number; length: number } | null {
    const t = this.target(slot, what)
    if (t === null) return null
    const length = this.fb.view.getUint32(t, true)
    if (length > maxCount) throw damaged(`${what} claims ${length} entries`)
    this.fb.need(t + 4, length * elementSize, what)
    return { start: t + 4, length }
  }

  string(slot: number, what: string, maxBytes = 1 << 20): string {
    const v = this.vector(slot, 1, maxBytes, what)
    if (!v) return ''
    return this.fb.decoder.decode(this.fb.bytes.subarray(v.start, v.start + v.length))
  }

  bytes(slot: number, what: string): Uint8Array | null {
    const v = this.vector(slot, 1, 0x7fffffff, what)
    return v ? this.fb.bytes.subarray(v.start, v.start + v.length) : null
  }

  i32s(slot: number, maxCount: number, what: string): number[] {
    return this.scalars(slot, 4, maxCount, what, (p) => this.fb.view.getInt32(p, true))
  }

  f32s(slot: number, maxCount: number, what: string): number[] {
    return this.scalars(slot, 4, maxCount, what, (p) => this.fb.view.getFloat32(p, true))
  }

  i64s(slot: number, maxCount: number, what: string): bigint[] {
    return this.scalars(slot, 8, maxCount, what, (p) => this.fb.view.getBigInt64(p, true))
  }

  /** A vector of fixed-width little-endian scalars, each read at its byte offset. */
  private scalars<T>(slot: number, width: number, maxCount: number, what: string, read: (offset: number) => T): T[] {
    const v = this.vector(slot, width, maxCount, what)
    const out: T[] = []
    if (v) for (let i = 0; i < v.length; i++) out.push(read(v.start + width * i))
    return out
  }

  tables(slot: number, maxCount: number, what: string): SafeTable[] {
    const v = this.vector(slot, 4, maxCount, what)
    const out: SafeTable[] = []
    if (!v) return out
    for (let i = 0; i < v.length; i++) {
      const p = v.start + 4 * i
      const t = p + this.fb.view.getUint32(p, true)
      out.push(SafeTable.at(this.fb, t, `${what}[${i}]`))
    }
    return out
  }
}

export class SafeFlatbuffer {
  readonly view: DataView
  readonly decoder = new TextDecoder('utf-8', { fatal: false })

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  need(pos: number, size: number, what: string): void {
    if (!Number.isSafeInteger(pos) || pos < 0 || size < 0 || pos + size > this.bytes.byteLength) {
      throw damaged(`${what} points outside the file`)
    }
  }

  root(what: string): SafeTable {
    this.need(0, 8, 'file header')
    return SafeTable.at(this, this.view.getUint32(0, true), what)
  }

  identifier(): string {
    if (this.bytes.byteLength < 8) return ''
    return String.fromCharCode(...this.bytes.subarray(4, 8))
  }
}
