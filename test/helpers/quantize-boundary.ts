/**
 * Float inputs on QUANTIZE's rounding edge: x / scale lies within a float32 ulp of a half, so the
 * quotient rounded to float32 (what TFLM computes) and the exact-in-double quotient round half away
 * from zero to different integers. Random inputs land there about once in 100,000 values.
 */
import { roundHalfAwayFromZero } from '../../src/main/core/quant/fixed-point'
import { parseTflite } from '../../src/main/core/tflite/reader'
import { mulberry32 } from '../../src/main/core/util/random'

/** Whether float32 and float64 division by `scale` quantize x to different integers. */
export function divisionsDisagree(x: number, scale: number): boolean {
  const s = Math.fround(scale)
  return roundHalfAwayFromZero(Math.fround(x / s)) !== roundHalfAwayFromZero(x / s)
}

/** Every float within 40 ulps of (k + 1/2) * scale, k in [-140, 140), on which the two divisions disagree. */
export function quantizeBoundaryValues(scale: number): number[] {
  const s = Math.fround(scale)
  const f32 = new Float32Array(1)
  const bits = new Uint32Array(f32.buffer)
  const found: number[] = []
  for (let k = -140; k < 140; k++) {
    f32[0] = (k + 0.5) * s
    const base = bits[0]
    for (let d = -40; d <= 40; d++) {
      bits[0] = base + d
      if (divisionsDisagree(f32[0], s)) found.push(f32[0])
    }
  }
  return found
}

/** `count` model inputs of `elements` values, each value drawn from `values`. */
export function boundaryInputs(values: number[], elements: number, count: number, seed = 1): Float32Array[] {
  const r = mulberry32(seed)
  return Array.from({ length: count }, () => Float32Array.from({ length: elements }, () => values[Math.floor(r() * values.length)]))
}

/** The scale of the model's input QUANTIZE (float32 -> int8), or null when it has none. */
export function inputQuantizeScale(tflite: Uint8Array): number | null {
  const sg = parseTflite(tflite).subgraphs[0]
  const op = sg.operators.find((o) => o.builtin === 'QUANTIZE' && sg.tensors[o.inputs[0]].type === 'FLOAT32')
  return op ? sg.tensors[op.outputs[0]].quantization!.scale[0] : null
}
