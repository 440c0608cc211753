/**
 * A small Conv1D-style classifier like the ones Microforge exports, in int8 (float I/O through
 * QUANTIZE/DEQUANTIZE, per-channel weights) and float32:
 * QUANTIZE -> CONV_2D (SAME, ReLU) -> DEPTHWISE_CONV_2D -> MAX_POOL_2D -> AVERAGE_POOL_2D -> MEAN
 * -> RESHAPE -> FULLY_CONNECTED -> SOFTMAX -> DEQUANTIZE.
 */
import { ActivationFunctionType } from '../../src/main/core/tflite/schema/tflite/activation-function-type'
import { BuiltinOptions } from '../../src/main/core/tflite/schema/tflite/builtin-options'
import { Conv2DOptionsT } from '../../src/main/core/tflite/schema/tflite/conv2doptions'
import { DepthwiseConv2DOptionsT } from '../../src/main/core/tflite/schema/tflite/depthwise-conv2doptions'
import { FullyConnectedOptionsT } from '../../src/main/core/tflite/schema/tflite/fully-connected-options'
import { Padding } from '../../src/main/core/tflite/schema/tflite/padding'
import { Pool2DOptionsT } from '../../src/main/core/tflite/schema/tflite/pool2doptions'
import { ReducerOptionsT } from '../../src/main/core/tflite/schema/tflite/reducer-options'
import { ReshapeOptionsT } from '../../src/main/core/tflite/schema/tflite/reshape-options'
import { SoftmaxOptionsT } from '../../src/main/core/tflite/schema/tflite/softmax-options'
import { buildModel, type OpSpec, type TensorSpec } from './tflite-builder'

function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296
}

export const TINY_CNN = { width: 16, channels: 3, classes: 3 }

/** Seed 12 gives a model whose predictions spread over the classes for random windows. */
export function tinyCnn(kind: 'int8' | 'float32', seed = 12, stopAfter?: string): Uint8Array {
  const r = lcg(seed)
  const int8s = (n: number) => Array.from({ length: n }, () => Math.round(r() * 254 - 127))
  const floats = (n: number, s: number) => Array.from({ length: n }, () => (r() * 2 - 1) * s)
  const { width: W, channels: C, classes: K } = TINY_CNN
  const F = 4
  const convW = int8s(F * 3 * C)
  const convScales = [0.01, 0.02, 0.015, 0.005]
  const dwW = int8s(3 * F)
  const dwScales = [0.02, 0.01, 0.03, 0.015]
  const fcW = int8s(K * F)
  const q = kind === 'int8'
  const act = q ? 'INT8' : 'FLOAT32'
  const inScale = 0.05
  const convOut = { scale: 0.08, zeroPoint: -128 }
  const dwOut = { scale: 0.1, zeroPoint: 3 }
  const meanOut = { scale: 0.05, zeroPoint: -7 }
  const fcOut = { scale: 0.12, zeroPoint: 2 }
  const deq = (w: number[], scales: number[], perRow: number) => w.map((v, i) => v * scales[Math.floor(i / perRow) % scales.length])
  const dwDeq = (w: number[]) => w.map((v, i) => v * dwScales[i % F])
  const tensors: TensorSpec[] = []
  const add = (t: TensorSpec): number => tensors.push(t) - 1
  const maybeQ = (o: { scale: number; zeroPoint: number }) => (q ? o : {})
  const input = add({ name: 'input', type: 'FLOAT32', shape: [1, 1, W, C] })
  const x0 = q ? add({ name: 'quantized_input', type: 'INT8', shape: [1, 1, W, C], scale: inScale, zeroPoint: 0 }) : input
  const cw = add(q ? { type: 'INT8', shape: [F, 1, 3, C], values: convW, scale: convScales, zeroPoint: convScales.map(() => 0), quantizedDimension: 0 } : { type: 'FLOAT32', shape: [F, 1, 3, C], values: deq(convW, convScales, 3 * C) })
  const cbF = floats(F, 0.3)
  const cb = add(q ? { type: 'INT32', shape: [F], values: cbF.map((b, i) => Math.round(b / (inScale * convScales[i]))), scale: convScales.map((s) => inScale * s), zeroPoint: convScales.map(() => 0) } : { type: 'FLOAT32', shape: [F], values: cbF })
  const x1 = add({ name: 'conv', type: act, shape: [1, 1, W, F], ...maybeQ(convOut) })
  const dw = add(q ? { type: 'INT8', shape: [1, 1, 3, F], values: dwW, scale: dwScales, zeroPoint: dwScales.map(() => 0), quantizedDimension: 3 } : { type: 'FLOAT32', shape: [1, 1, 3, F], values: dwDeq(dwW) })
  const dbF = floats(F, 0.2)
  const db = add(q ? { type: 'INT32', shape: [F], values: dbF.map((b, i) => Math.round(b / (convOut.scale * dwScales[i]))), scale: dwScales.map((s) => convOut.scale * s), zeroPoint: dwScales.map(() => 0) } : { type: 'FLOAT32', shape: [F], values: dbF })
  const x2 = add({ name: 'depthwise', type: act, shape: [1, 1, W - 2, F], ...maybeQ(dwOut) })
  const x3 = add({ name: 'maxpool', type: act, shape: [1, 1, (W - 2) / 2, F], ...maybeQ(dwOut) })
  const x4 = add({ name: 'avgpool', type: act, shape: [1, 1, (W - 2) / 2 - 1, F], ...maybeQ(dwOut) })
  const axes = add({ type: 'INT32', shape: [2], values: [1, 2] })
  const x5 = add({ name: 'mean', type: act, shape: [1, 1, 1, F], ...maybeQ(meanOut) })
  const x6 = add({ name: 'flat', type: act, shape: [1, F], ...maybeQ(meanOut) })
  const fw = add(q ? { type: 'INT8', shape: [K, F], values: fcW, scale: 0.01 } : { type: 'FLOAT32', shape: [K, F], values: fcW.map((v) => v * 0.01) })
  const fbF = floats(K, 0.5)
  const fb = add(q ? { type: 'INT32', shape: [K], values: fbF.map((b) => Math.round(b / (meanOut.scale * 0.01))), scale: meanOut.scale * 0.01 } : { type: 'FLOAT32', shape: [K], values: fbF })
  const x7 = add({ name: 'logits', type: act, shape: [1, K], ...maybeQ(fcOut) })
  const x8 = add({ name: q ? 'probs_q' : 'probs', type: act, shape: [1, K], ...(q ? { scale: 1 / 256, zeroPoint: -128 } : {}) })
  const out = q ? add({ name: 'probs', type: 'FLOAT32', shape: [1, K] }) : x8
  const ops: OpSpec[] = []
  if (q) ops.push({ op: 'QUANTIZE', inputs: [input], outputs: [x0] })
  ops.push(
    { op: 'CONV_2D', inputs: [x0, cw, cb], outputs: [x1], optionsType: BuiltinOptions.Conv2DOptions, options: new Conv2DOptionsT(Padding.SAME, 1, 1, ActivationFunctionType.RELU), version: q ? 3 : 1 },
    { op: 'DEPTHWISE_CONV_2D', inputs: [x1, dw, db], outputs: [x2], optionsType: BuiltinOptions.DepthwiseConv2DOptions, options: new DepthwiseConv2DOptionsT(Padding.VALID, 1, 1, 1), version: q ? 3 : 1 },
    { op: 'MAX_POOL_2D', inputs: [x2], outputs: [x3], optionsType: BuiltinOptions.Pool2DOptions, options: new Pool2DOptionsT(Padding.VALID, 2, 1, 2, 1), version: q ? 2 : 1 },
    { op: 'AVERAGE_POOL_2D', inputs: [x3], outputs: [x4], optionsType: BuiltinOptions.Pool2DOptions, options: new Pool2DOptionsT(Padding.VALID, 1, 1, 2, 1), version: q ? 2 : 1 },
    { op: 'MEAN', inputs: [x4, axes], outputs: [x5], optionsType: BuiltinOptions.ReducerOptions, options: new ReducerOptionsT(true), version: q ? 2 : 1 },
    { op: 'RESHAPE', inputs: [x5], outputs: [x6], optionsType: BuiltinOptions.ReshapeOptions, options: new ReshapeOptionsT([1, F]) },
    { op: 'FULLY_CONNECTED', inputs: [x6, fw, fb], outputs: [x7], optionsType: BuiltinOptions.FullyConnectedOptions, options: new FullyConnectedOptionsT(), version: q ? 4 : 1 },
    { op: 'SOFTMAX', inputs: [x7], outputs: [x8], optionsType: BuiltinOptions.SoftmaxOptions, options: new SoftmaxOptionsT(1), version: q ? 2 : 1 }
  )
  if (q) ops.push({ op: 'DEQUANTIZE', inputs: [x8], outputs: [out], version: 2 })
  if (stopAfter !== undefined) {
    // The same graph cut after the op that writes `stopAfter`, to compare runtimes layer by layer.
    const t = tensors.findIndex((x) => x.name === stopAfter)
    const k = ops.findIndex((o) => o.outputs.includes(t))
    return buildModel({ tensors, ops: ops.slice(0, k + 1), inputs: [input], outputs: [t] })
  }
  return buildModel({ tensors, ops, inputs: [input], outputs: [out] })
}
