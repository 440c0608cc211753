import { describe, expect, it } from 'vitest'
import { MicroforgeError } from '../../../../src/shared/errors'
import { Interpreter } from '../../../../src/main/core/quant/interpreter'
import { inspectModel } from '../../../../src/main/core/inspect/inspect-model'
import { parseTflite } from '../../../../src/main/core/tflite/reader'
import { converterModel, type ConverterModel } from '../../../helpers/fixtures'
import { mulberry32 } from '../../../../src/main/core/util/random'

const rng = mulberry32

type Mutation = (src: Uint8Array, r: () => number) => Uint8Array

const int = (r: () => number, n: number): number => Math.floor(r() * n)

/** Mutations that hit what a flatbuffer reader trusts: bits, lengths, offsets, the end of the file. */
const MUTATIONS: Record<string, Mutation> = {
  bitFlips(src, r) {
    const out = src.slice()
    const flips = 1 + int(r, 8)
    for (let i = 0; i < flips; i++) out[int(r, out.length)] ^= 1 << int(r, 8)
    return out
  },
  truncate(src, r) {
    return src.slice(0, int(r, src.length))
  },
  randomOffset(src, r) {
    // Overwrite an aligned 32-bit word (offsets, vector lengths, vtable entries all live in words).
    const out = src.slice()
    const view = new DataView(out.buffer)
    const at = int(r, (out.length >> 2) - 1) * 4
    const choices = [0xffffffff, 0x7fffffff, 0x80000000, int(r, 0x100000000), int(r, out.length * 2), 0, 4, out.length]
    view.setUint32(at, choices[int(r, choices.length)], true)
    return out
  },
  headerWords(src, r) {
    // The first 64 bytes hold the root offset, identifier and the root table's vtable.
    const out = src.slice()
    out[int(r, Math.min(64, out.length))] = int(r, 256)
    return out
  },
  randomBytes(src, r) {
    const out = src.slice()
    const at = int(r, out.length)
    const n = 1 + int(r, 32)
    for (let i = 0; i < n && at + i < out.length; i++) out[at + i] = int(r, 256)
    return out
  },
  splice(src, r) {
    // A chunk copied elsewhere: structure that looks valid but points to the wrong place.
    const out = src.slice()
    const from = int(r, out.length)
    const to = int(r, out.length)
    const n = int(r, 256)
    out.copyWithin(to, from, Math.min(out.length, from + n))
    return out
  }
}

describe('reader fuzz: damaged .tflite files give a typed error or a parse, never a crash or a hang', () => {
  it('survives 10,000 mutations of the converter models', () => {
    const models: ConverterModel[] = ['hello_world_int8', 'gesture_dense_float32', 'gesture_dense_dynamic_range_int8', 'gesture_dense_float16']
    const sources = models.map((m) => converterModel(m))
    const names = Object.keys(MUTATIONS)
    const r = rng(20261123)
    const outcomes = { parsed: 0, typedErrors: 0, invoked: 0 }
    const started = performance.now()
    let slowest = 0
    for (let i = 0; i < 10_000; i++) {
      const src = sources[i % sources.length]
      const kind = names[int(r, names.length)]
      const bytes = MUTATIONS[kind](src, r)
      const t0 = performance.now()
      try {
        // Inspecting also plans the arena and prepares every kernel of our interpreter.
        const model = parseTflite(bytes)
        const summary = inspectModel(model)
        outcomes.parsed++
        if (summary.microforgeRunnable && i % 5 === 0) {
          // Whatever still prepares must also run (every fifth, to keep the test short; 5 is coprime with the 4 models): zeros in, no exception out.
          const interp = new Interpreter(model)
          interp.invoke(interp.inputs.map((t) => new Array<number>(t.data.length).fill(0)))
          outcomes.invoked++
        }
      } catch (e) {
        if (!(e instanceof MicroforgeError)) {
          throw new Error(`mutation ${i} (${kind}) threw an untyped ${(e as Error)?.name}: ${(e as Error)?.message}`)
        }
        expect(['MODEL_ERROR', 'UNSUPPORTED', 'INVALID_ARGUMENT']).toContain(e.code)
        outcomes.typedErrors++
      }
      slowest = Math.max(slowest, performance.now() - t0)
    }
    const seconds = (performance.now() - started) / 1000
    console.log(`fuzz: 10000 files in ${seconds.toFixed(1)} s, ${outcomes.parsed} parsed (${outcomes.invoked} of them also ran), ${outcomes.typedErrors} typed errors, slowest ${slowest.toFixed(1)} ms`)
    expect(outcomes.parsed + outcomes.typedErrors).toBe(10_000)
    expect(outcomes.typedErrors).toBeGreaterThan(1000)
    // A hang detector, not a speed target: a pathological file takes far longer than this, a GC pause
    // or a starved worker (npm test runs this lane at nice 10) does not.
    expect(slowest).toBeLessThan(10_000)
    // 10,000 files take ~11 s on an idle machine; a loaded CI machine at nice 10 needs headroom.
  }, 400_000)
})
