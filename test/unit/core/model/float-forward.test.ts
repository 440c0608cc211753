import { describe, expect, it } from 'vitest'
import { argmax, floatAccuracy, floatForward, floatForwardTrace, inferShapes, windowGeometry } from '../../../../src/main/core/model/float-forward'
import type { ModelIR } from '../../../../src/main/core/model/model-ir'
import { MicroforgeError } from '../../../../src/shared/errors'

const f32 = (...v: number[]): Float32Array => Float32Array.from(v)

describe('float forward pass (Keras semantics)', () => {
  it('computes window geometry like Keras/TFLite', () => {
    expect(windowGeometry(30, 5, 1, 'valid')).toEqual({ outLength: 26, padBefore: 0 })
    expect(windowGeometry(30, 3, 2, 'same')).toEqual({ outLength: 15, padBefore: 0 }) // total pad 1 -> 0 before, 1 after
    expect(windowGeometry(15, 3, 2, 'same')).toEqual({ outLength: 8, padBefore: 1 }) // total pad 2
    expect(windowGeometry(5, 4, 1, 'same')).toEqual({ outLength: 5, padBefore: 1 }) // total 3 -> 1 before, 2 after
  })

  it("runs a 'same' Conv1D with stride 2 by hand", () => {
    // input [4 steps, 1 channel] = 1 2 3 4; kernel [3, 1, 1] = 1 10 100, bias 0.5
    // same, stride 2: out 2 steps, total pad (2-1)*2+3-4 = 1 -> 0 before, 1 after
    // t0: 1*1 + 2*10 + 3*100 = 321.5 ; t1: 3*1 + 4*10 + pad*100 = 43.5
    const model: ModelIR = {
      name: 'c',
      inputShape: [4, 1],
      classes: [],
      layers: [{ type: 'conv1d', name: 'c', filters: 1, kernelSize: 3, strides: 2, padding: 'same', activation: 'linear', kernel: f32(1, 10, 100), bias: f32(0.5) }]
    }
    expect(Array.from(floatForward(model, [1, 2, 3, 4]))).toEqual([321.5, 43.5])
  })

  it('runs depthwise, pools, global average pool, dense and softmax by hand', () => {
    // input [3 steps, 2 channels]: (1, -1), (2, -2), (3, -3)
    const model: ModelIR = {
      name: 'd',
      inputShape: [3, 2],
      classes: ['a', 'b'],
      layers: [
        // multiplier 1, kernel [2, 2, 1]: ch0 taps (1, 1), ch1 taps (0, 2); valid -> 2 steps
        { type: 'depthwiseConv1d', name: 'dw', kernelSize: 2, depthMultiplier: 1, strides: 1, padding: 'valid', activation: 'relu', kernel: f32(1, 0, 1, 2), bias: null },
        // ch0: 1+2=3, 2+3=5; ch1: relu(-1*0 + -2*2)=0, relu(-2*0 + -3*2)=0
        { type: 'maxPool1d', name: 'mp', poolSize: 2, strides: 1, padding: 'same' },
        // same, pool 2, total pad 1 after: step0 max(3,5)=5 / max(0,0)=0; step1 max(5)=5 / 0
        { type: 'globalAvgPool1d', name: 'gap' },
        // (5, 0)
        { type: 'dense', name: 'dense', units: 2, activation: 'softmax', kernel: f32(1, 0, 0, 1), bias: f32(0, Math.log(2)) }
      ]
    }
    const trace = floatForwardTrace(model, [1, -1, 2, -2, 3, -3])
    expect(Array.from(trace.layerOutputs[0])).toEqual([3, 0, 5, 0])
    expect(Array.from(trace.layerOutputs[1])).toEqual([5, 0, 5, 0])
    expect(Array.from(trace.layerOutputs[2])).toEqual([5, 0])
    // logits (5, ln 2): softmax = e^5 / (e^5 + 2)
    const p0 = Math.exp(5) / (Math.exp(5) + 2)
    expect(trace.output[0]).toBeCloseTo(p0, 6)
    expect(trace.output[1]).toBeCloseTo(1 - p0, 6)
    expect(argmax(trace.output)).toBe(0)
  })

  it('excludes padding from a same average pool and applies batch norm per channel', () => {
    const model: ModelIR = {
      name: 'a',
      inputShape: [3, 1],
      classes: [],
      layers: [
        { type: 'avgPool1d', name: 'ap', poolSize: 2, strides: 2, padding: 'same' },
        // steps (1+2)/2 = 1.5 and 3/1 = 3 (the pad does not count)
        { type: 'batchNorm', name: 'bn', gamma: f32(2), beta: f32(1), movingMean: f32(1), movingVariance: f32(4 - 0.001), epsilon: 0.001 }
        // (x - 1) / 2 * 2 + 1 = x
      ]
    }
    const out = floatForward(model, [1, 2, 3])
    expect(out[0]).toBeCloseTo(1.5, 6)
    expect(out[1]).toBeCloseTo(3, 6)
  })

  it('reports shapes and rejects layers that cannot run', () => {
    const dense: ModelIR = { name: 'x', inputShape: [30, 6], classes: [], layers: [{ type: 'dense', name: 'd', units: 2, activation: 'linear', kernel: new Float32Array(12), bias: null }] }
    expect(() => inferShapes(dense)).toThrow(MicroforgeError)
    expect(() => inferShapes(dense)).toThrow(/\(dense\) gets a \[30, 6\] input/)
    const ok: ModelIR = { ...dense, layers: [{ type: 'flatten', name: 'f' }, { type: 'dense', name: 'd', units: 2, activation: 'linear', kernel: new Float32Array(360), bias: null }] }
    expect(inferShapes(ok)).toEqual([[180], [2]])
    expect(() => floatForward(ok, [1, 2])).toThrow(/expects 180/)
  })

  it('measures accuracy as the share of argmax hits', () => {
    const model: ModelIR = { name: 'id', inputShape: [2], classes: ['a', 'b'], layers: [] }
    expect(floatAccuracy(model, [[1, 0], [0, 1], [1, 0]], [0, 1, 1])).toBeCloseTo(2 / 3)
  })
})
