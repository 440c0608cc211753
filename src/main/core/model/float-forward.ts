/**
 * A plain float32 forward pass over the ModelIR with Keras semantics. It is the reference every
 * exported variant is measured against (float accuracy, calibration ranges for int8), so it runs
 * the model exactly as trained: batch norm unfolded, dropout as identity.
 */
import { MicroforgeError } from '../../../shared/errors'
import type { Activation, Layer, ModelIR, Padding } from './model-ir'

/** Shape without the batch dimension: [steps, channels] for sequences, [units] for flat tensors. */
export type Shape = number[]

export function shapeSize(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1)
}

/** Output length and leading pad of a 1-D window op, as Keras and TFLite both compute them. */
export function windowGeometry(inLength: number, size: number, stride: number, padding: Padding): { outLength: number; padBefore: number } {
  if (padding === 'valid') return { outLength: Math.floor((inLength - size) / stride) + 1, padBefore: 0 }
  const outLength = Math.ceil(inLength / stride)
  const total = Math.max((outLength - 1) * stride + size - inLength, 0)
  return { outLength, padBefore: Math.floor(total / 2) }
}

function modelError(layer: Layer, what: string, hint: string): MicroforgeError {
  return new MicroforgeError('MODEL_ERROR', `Layer "${layer.name}" (${layer.type}) ${what}.`, hint)
}

/** Output shape of every layer; throws a MicroforgeError naming the first layer that cannot run. */
export function inferShapes(model: ModelIR): Shape[] {
  let shape: Shape = model.inputShape.slice()
  if (shape.length < 1 || shape.length > 2 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new MicroforgeError('MODEL_ERROR', `The model input shape [${shape.join(', ')}] is not [window, axes] or [features].`, 'Train the model again from a dataset with fixed-length windows.')
  }
  const shapes: Shape[] = []
  for (const layer of model.layers) {
    shape = layerOutputShape(layer, shape)
    shapes.push(shape)
  }
  return shapes
}

function needSequence(layer: Layer, shape: Shape): [number, number] {
  if (shape.length !== 2) throw modelError(layer, `needs a [steps, channels] input but gets [${shape.join(', ')}]`, 'Put sequence layers (Conv1D, pooling) before Flatten.')
  return [shape[0], shape[1]]
}

function layerOutputShape(layer: Layer, shape: Shape): Shape {
  const expectLength = (arr: Float32Array | null, n: number, what: string): void => {
    if (arr !== null && arr.length !== n) throw modelError(layer, `has ${arr.length} ${what} values, expected ${n}`, 'The saved model is damaged; train it again.')
  }
  switch (layer.type) {
    case 'dense': {
      if (shape.length !== 1) throw modelError(layer, `gets a [${shape.join(', ')}] input`, 'Add a Flatten or GlobalAveragePooling1D layer before Dense.')
      expectLength(layer.kernel, shape[0] * layer.units, 'kernel')
      expectLength(layer.bias, layer.units, 'bias')
      return [layer.units]
    }
    case 'conv1d':
    case 'depthwiseConv1d': {
      const [w, c] = needSequence(layer, shape)
      const { outLength } = windowGeometry(w, layer.kernelSize, layer.strides, layer.padding)
      if (outLength < 1) throw modelError(layer, `has a kernel of ${layer.kernelSize} steps but only ${w} steps of input`, 'Use a smaller kernel or a longer window.')
      const outC = layer.type === 'conv1d' ? layer.filters : c * layer.depthMultiplier
      expectLength(layer.kernel, layer.kernelSize * c * (layer.type === 'conv1d' ? layer.filters : layer.depthMultiplier), 'kernel')
      expectLength(layer.bias, outC, 'bias')
      return [outLength, outC]
    }
    case 'maxPool1d':
    case 'avgPool1d': {
      const [w, c] = needSequence(layer, shape)
      const { outLength } = windowGeometry(w, layer.poolSize, layer.strides, layer.padding)
      if (outLength < 1) throw modelError(layer, `pools ${layer.poolSize} steps but gets only ${w}`, 'Use a smaller pool size or a longer window.')
      return [outLength, c]
    }
    case 'globalAvgPool1d':
      return [needSequence(layer, shape)[1]]
    case 'flatten':
      return [shapeSize(shape)]
    case 'dropout':
    case 'activation':
      return shape
    case 'batchNorm': {
      const c = shape[shape.length - 1]
      for (const [name, arr] of [['gamma', layer.gamma], ['beta', layer.beta], ['movingMean', layer.movingMean], ['movingVariance', layer.movingVariance]] as const) {
        expectLength(arr, c, name)
      }
      return shape
    }
  }
}

export interface ForwardTrace {
  output: Float32Array
  /** layerOutputs[i] is the output of model.layers[i]. */
  layerOutputs: Float32Array[]
}

/** Runs one window (row-major [steps][axes]) and keeps every layer's output (for calibration). */
export function floatForwardTrace(model: ModelIR, input: ArrayLike<number>, shapes: Shape[] = inferShapes(model)): ForwardTrace {
  const inSize = shapeSize(model.inputShape)
  if (input.length !== inSize) {
    throw new MicroforgeError('INVALID_ARGUMENT', `The input has ${input.length} values; the model expects ${inSize} ([${model.inputShape.join(', ')}]).`, 'Use windows of the length and axes the model was trained on.')
  }
  let x: Float32Array = Float32Array.from(input)
  let shape: Shape = model.inputShape
  const layerOutputs: Float32Array[] = []
  model.layers.forEach((layer, i) => {
    x = runLayer(layer, x, shape, shapes[i])
    shape = shapes[i]
    layerOutputs.push(x)
  })
  return { output: x, layerOutputs }
}

export function floatForward(model: ModelIR, input: ArrayLike<number>, shapes?: Shape[]): Float32Array {
  return floatForwardTrace(model, input, shapes).output
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i
  return best
}

/** Share of windows whose predicted class (argmax) equals the label. */
export function floatAccuracy(model: ModelIR, windows: ArrayLike<number>[], labels: number[]): number {
  if (windows.length === 0) return 0
  const shapes = inferShapes(model)
  let correct = 0
  windows.forEach((w, i) => {
    if (argmax(floatForward(model, w, shapes)) === labels[i]) correct++
  })
  return correct / windows.length
}

function runLayer(layer: Layer, x: Float32Array, inShape: Shape, outShape: Shape): Float32Array {
  switch (layer.type) {
    case 'dense': {
      const n = inShape[0]
      const out = new Float32Array(layer.units)
      for (let u = 0; u < layer.units; u++) {
        let acc = layer.bias ? layer.bias[u] : 0
        for (let i = 0; i < n; i++) acc += x[i] * layer.kernel[i * layer.units + u]
        out[u] = acc
      }
      return activate(out, layer.activation, outShape)
    }
    case 'conv1d': {
      const [w, c] = inShape
      const [ow, f] = outShape
      const { padBefore } = windowGeometry(w, layer.kernelSize, layer.strides, layer.padding)
      const out = new Float32Array(ow * f)
      for (let t = 0; t < ow; t++) {
        const start = t * layer.strides - padBefore
        for (let o = 0; o < f; o++) {
          let acc = layer.bias ? layer.bias[o] : 0
          for (let k = 0; k < layer.kernelSize; k++) {
            const s = start + k
            if (s < 0 || s >= w) continue
            for (let ci = 0; ci < c; ci++) acc += x[s * c + ci] * layer.kernel[(k * c + ci) * f + o]
          }
          out[t * f + o] = acc
        }
      }
      return activate(out, layer.activation, outShape)
    }
    case 'depthwiseConv1d': {
      const [w, c] = inShape
      const [ow, oc] = outShape
      const m = layer.depthMultiplier
      const { padBefore } = windowGeometry(w, layer.kernelSize, layer.strides, layer.padding)
      const out = new Float32Array(ow * oc)
      for (let t = 0; t < ow; t++) {
        const start = t * layer.strides - padBefore
        for (let ci = 0; ci < c; ci++) {
          for (let j = 0; j < m; j++) {
            const o = ci * m + j
            let acc = layer.bias ? layer.bias[o] : 0
            for (let k = 0; k < layer.kernelSize; k++) {
              const s = start + k
              if (s < 0 || s >= w) continue
              acc += x[s * c + ci] * layer.kernel[(k * c + ci) * m + j]
            }
            out[t * oc + o] = acc
          }
        }
      }
      return activate(out, layer.activation, outShape)
    }
    case 'maxPool1d':
    case 'avgPool1d': {
      const [w, c] = inShape
      const [ow] = outShape
      const { padBefore } = windowGeometry(w, layer.poolSize, layer.strides, layer.padding)
      const out = new Float32Array(ow * c)
      for (let t = 0; t < ow; t++) {
        const start = t * layer.strides - padBefore
        for (let ci = 0; ci < c; ci++) {
          let acc = layer.type === 'maxPool1d' ? -Infinity : 0
          let count = 0
          for (let k = 0; k < layer.poolSize; k++) {
            const s = start + k
            if (s < 0 || s >= w) continue
            const v = x[s * c + ci]
            acc = layer.type === 'maxPool1d' ? Math.max(acc, v) : acc + v
            count++
          }
          // Padding never counts towards the average, in Keras and in TFLite.
          out[t * c + ci] = layer.type === 'maxPool1d' ? acc : acc / count
        }
      }
      return out
    }
    case 'globalAvgPool1d': {
      const [w, c] = inShape
      const out = new Float32Array(c)
      for (let t = 0; t < w; t++) for (let ci = 0; ci < c; ci++) out[ci] += x[t * c + ci]
      for (let ci = 0; ci < c; ci++) out[ci] /= w
      return out
    }
    case 'flatten':
    case 'dropout':
      return x
    case 'batchNorm': {
      const c = inShape[inShape.length - 1]
      const out = new Float32Array(x.length)
      for (let i = 0; i < x.length; i++) {
        const ch = i % c
        out[i] = ((x[i] - layer.movingMean[ch]) / Math.sqrt(layer.movingVariance[ch] + layer.epsilon)) * layer.gamma[ch] + layer.beta[ch]
      }
      return out
    }
    case 'activation':
      return activate(Float32Array.from(x), layer.activation, outShape)
  }
}

/** Applies an activation in place over the last axis and returns the same array. */
export function activate(x: Float32Array, activation: Activation, shape: Shape): Float32Array {
  switch (activation) {
    case 'linear':
      return x
    case 'relu':
      for (let i = 0; i < x.length; i++) x[i] = Math.max(0, x[i])
      return x
    case 'relu6':
      for (let i = 0; i < x.length; i++) x[i] = Math.min(6, Math.max(0, x[i]))
      return x
    case 'softmax': {
      const n = shape[shape.length - 1]
      for (let row = 0; row < x.length; row += n) {
        let max = -Infinity
        for (let i = 0; i < n; i++) max = Math.max(max, x[row + i])
        let sum = 0
        for (let i = 0; i < n; i++) {
          x[row + i] = Math.exp(x[row + i] - max)
          sum += x[row + i]
        }
        for (let i = 0; i < n; i++) x[row + i] /= sum
      }
      return x
    }
  }
}
