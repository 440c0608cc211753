/**
 * int8 models on the edge of what TensorFlow Lite Micro's kernels accept in Prepare, each one
 * operator, built with the test tflite builder: inspect's tflmSupported must say what TFLM does.
 */
import { ActivationFunctionType } from '../../src/main/core/tflite/schema/tflite/activation-function-type'
import { BuiltinOptions } from '../../src/main/core/tflite/schema/tflite/builtin-options'
import { Conv2DOptionsT } from '../../src/main/core/tflite/schema/tflite/conv2doptions'
import { FullyConnectedOptionsT } from '../../src/main/core/tflite/schema/tflite/fully-connected-options'
import { Padding } from '../../src/main/core/tflite/schema/tflite/padding'
import { Pool2DOptionsT } from '../../src/main/core/tflite/schema/tflite/pool2doptions'
import { SoftmaxOptionsT } from '../../src/main/core/tflite/schema/tflite/softmax-options'
import { buildModel } from './tflite-builder'

const ramp = (n: number, k = 7) => Array.from({ length: n }, (_, i) => ((i * k) % 255) - 127)

function fullyConnected(weightZeroPoint: number, biasType: 'INT32' | 'INT8' | 'FLOAT32'): Uint8Array {
  return buildModel({
    tensors: [
      { type: 'INT8', shape: [1, 8], scale: 0.05, zeroPoint: 1 },
      { type: 'INT8', shape: [4, 8], values: ramp(32), scale: 0.01, zeroPoint: weightZeroPoint },
      { type: biasType, shape: [4], values: [10, -20, 30, -40], scale: 0.0005, zeroPoint: 0 },
      { type: 'INT8', shape: [1, 4], scale: 0.1, zeroPoint: 0 }
    ],
    ops: [{ op: 'FULLY_CONNECTED', inputs: [0, 1, 2], outputs: [3], optionsType: BuiltinOptions.FullyConnectedOptions, options: new FullyConnectedOptionsT(ActivationFunctionType.NONE), version: 4 }],
    inputs: [0],
    outputs: [3]
  })
}

function conv(weightZeroPoints: number[]): Uint8Array {
  const scales = weightZeroPoints.length > 1 ? [0.01, 0.02] : 0.01
  return buildModel({
    tensors: [
      { type: 'INT8', shape: [1, 4, 4, 2], scale: 0.05, zeroPoint: 1 },
      { type: 'INT8', shape: [2, 3, 3, 2], values: ramp(36), scale: scales, zeroPoint: weightZeroPoints.length > 1 ? weightZeroPoints : weightZeroPoints[0], quantizedDimension: 0 },
      { type: 'INT32', shape: [2], values: [5, -5], scale: weightZeroPoints.length > 1 ? [0.0005, 0.001] : 0.0005, zeroPoint: weightZeroPoints.length > 1 ? [0, 0] : 0 },
      { type: 'INT8', shape: [1, 4, 4, 2], scale: 0.1, zeroPoint: 0 }
    ],
    ops: [{ op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], optionsType: BuiltinOptions.Conv2DOptions, options: new Conv2DOptionsT(Padding.SAME, 1, 1), version: 3 }],
    inputs: [0],
    outputs: [3]
  })
}

function maxPool(outputScale: number): Uint8Array {
  return buildModel({
    tensors: [
      { type: 'INT8', shape: [1, 4, 4, 2], scale: 0.05, zeroPoint: 1 },
      { type: 'INT8', shape: [1, 2, 2, 2], scale: outputScale, zeroPoint: 1 }
    ],
    ops: [{ op: 'MAX_POOL_2D', inputs: [0], outputs: [1], optionsType: BuiltinOptions.Pool2DOptions, options: new Pool2DOptionsT(Padding.VALID, 2, 2, 2, 2), version: 2 }],
    inputs: [0],
    outputs: [1]
  })
}

function softmax(outputScale: number, outputZeroPoint: number): Uint8Array {
  return buildModel({
    tensors: [
      { type: 'INT8', shape: [1, 5], scale: 0.1, zeroPoint: 0 },
      { type: 'INT8', shape: [1, 5], scale: outputScale, zeroPoint: outputZeroPoint }
    ],
    ops: [{ op: 'SOFTMAX', inputs: [0], outputs: [1], optionsType: BuiltinOptions.SoftmaxOptions, options: new SoftmaxOptionsT(1), version: 2 }],
    inputs: [0],
    outputs: [1]
  })
}

export const TFLM_EDGE_MODELS: { name: string; bytes: () => Uint8Array }[] = [
  { name: 'FULLY_CONNECTED, symmetric weights', bytes: () => fullyConnected(0, 'INT32') },
  { name: 'FULLY_CONNECTED, weight zero point 3', bytes: () => fullyConnected(3, 'INT32') },
  { name: 'FULLY_CONNECTED, int8 bias', bytes: () => fullyConnected(0, 'INT8') },
  { name: 'FULLY_CONNECTED, float32 bias', bytes: () => fullyConnected(0, 'FLOAT32') },
  { name: 'CONV_2D per-channel, symmetric weights', bytes: () => conv([0, 0]) },
  { name: 'CONV_2D per-tensor, weight zero point 2', bytes: () => conv([2]) },
  { name: 'CONV_2D per-channel, weight zero points 0 and 2', bytes: () => conv([0, 2]) },
  { name: 'MAX_POOL_2D keeping the quantization', bytes: () => maxPool(0.05) },
  { name: 'MAX_POOL_2D changing the scale', bytes: () => maxPool(0.1) },
  { name: 'SOFTMAX output 1/256, -128', bytes: () => softmax(1 / 256, -128) },
  { name: 'SOFTMAX output 1/128, 0', bytes: () => softmax(1 / 128, 0) }
]
