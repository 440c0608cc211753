/**
 * A model shaped like TFLM's micro_speech example (no fixture of it is in the repo): int8 input
 * [1, 1960] reshaped to a 49x40 spectrogram, DEPTHWISE_CONV_2D 10x8 with depth multiplier 8,
 * stride 2, SAME, ReLU (per-channel weights), reshape, FULLY_CONNECTED 4000 -> 4, SOFTMAX. Seeded
 * random weights; the quantization parameters are of the same order as the converter's.
 */
import { mulberry32 } from '../../../src/main/core/util/random'
import { ActivationFunctionType } from '../../../src/main/core/tflite/schema/tflite/activation-function-type'
import { DepthwiseConv2DOptionsT } from '../../../src/main/core/tflite/schema/tflite/depthwise-conv2doptions'
import { FullyConnectedOptionsT } from '../../../src/main/core/tflite/schema/tflite/fully-connected-options'
import { Padding } from '../../../src/main/core/tflite/schema/tflite/padding'
import { ReshapeOptionsT } from '../../../src/main/core/tflite/schema/tflite/reshape-options'
import { SoftmaxOptionsT } from '../../../src/main/core/tflite/schema/tflite/softmax-options'
import { BuiltinOperator, BuiltinOptions, TensorType, bytesOf, writeTflite } from '../../../src/main/core/tflite/writer'

export interface SpectrogramShape {
  h: number
  w: number
  fh: number
  fw: number
  mult: number
  stride: number
  classes: number
}

export const MICRO_SPEECH: SpectrogramShape = { h: 49, w: 40, fh: 10, fw: 8, mult: 8, stride: 2, classes: 4 }

export function microSpeechShaped(seed = 7, shape: SpectrogramShape = MICRO_SPEECH): Uint8Array {
  const { h, w, fh, fw, mult, stride, classes } = shape
  const oh = Math.ceil(h / stride)
  const ow = Math.ceil(w / stride)
  const flat = oh * ow * mult
  const r = mulberry32(seed)
  const int8s = (n: number): Int8Array => Int8Array.from({ length: n }, () => Math.floor(r() * 255) - 127)
  const int32s = (n: number, limit: number): Int32Array => Int32Array.from({ length: n }, () => Math.round((r() * 2 - 1) * limit))
  const dwScales = Array.from({ length: mult }, () => 0.004 + r() * 0.008)
  const inScale = 0.1
  const dwOutScale = 0.5
  const fcWScale = 0.00001
  return writeTflite({
    description: 'micro_speech-shaped (Microforge bench)',
    tensors: [
      { name: 'input', type: TensorType.INT8, shape: [1, h * w], quantization: { scale: [inScale], zeroPoint: [-128] } },
      { name: 'shape_4d', type: TensorType.INT32, shape: [4], data: bytesOf(Int32Array.of(-1, h, w, 1)) },
      { name: 'spectrogram', type: TensorType.INT8, shape: [1, h, w, 1], quantization: { scale: [inScale], zeroPoint: [-128] } },
      { name: 'dw_weights', type: TensorType.INT8, shape: [1, fh, fw, mult], data: bytesOf(int8s(fh * fw * mult)), quantization: { scale: dwScales, zeroPoint: Array(mult).fill(0), quantizedDimension: 3 } },
      { name: 'dw_bias', type: TensorType.INT32, shape: [mult], data: bytesOf(int32s(mult, 2000)), quantization: { scale: dwScales.map((s) => s * inScale), zeroPoint: Array(mult).fill(0) } },
      { name: 'dw_out', type: TensorType.INT8, shape: [1, oh, ow, mult], quantization: { scale: [dwOutScale], zeroPoint: [-128] } },
      { name: 'shape_2d', type: TensorType.INT32, shape: [2], data: bytesOf(Int32Array.of(-1, flat)) },
      { name: 'flat', type: TensorType.INT8, shape: [1, flat], quantization: { scale: [dwOutScale], zeroPoint: [-128] } },
      { name: 'fc_weights', type: TensorType.INT8, shape: [classes, flat], data: bytesOf(int8s(classes * flat)), quantization: { scale: [fcWScale], zeroPoint: [0] } },
      { name: 'fc_bias', type: TensorType.INT32, shape: [classes], data: bytesOf(int32s(classes, 5000)), quantization: { scale: [fcWScale * dwOutScale], zeroPoint: [0] } },
      { name: 'logits', type: TensorType.INT8, shape: [1, classes], quantization: { scale: [0.05], zeroPoint: [3] } },
      { name: 'probabilities', type: TensorType.INT8, shape: [1, classes], quantization: { scale: [1 / 256], zeroPoint: [-128] } }
    ],
    operators: [
      { opcode: BuiltinOperator.RESHAPE, version: 1, inputs: [0, 1], outputs: [2], optionsType: BuiltinOptions.ReshapeOptions, options: new ReshapeOptionsT([-1, h, w, 1]) },
      {
        opcode: BuiltinOperator.DEPTHWISE_CONV_2D,
        version: 3,
        inputs: [2, 3, 4],
        outputs: [5],
        optionsType: BuiltinOptions.DepthwiseConv2DOptions,
        options: new DepthwiseConv2DOptionsT(Padding.SAME, stride, stride, mult, ActivationFunctionType.RELU, 1, 1)
      },
      { opcode: BuiltinOperator.RESHAPE, version: 1, inputs: [5, 6], outputs: [7], optionsType: BuiltinOptions.ReshapeOptions, options: new ReshapeOptionsT([-1, flat]) },
      { opcode: BuiltinOperator.FULLY_CONNECTED, version: 4, inputs: [7, 8, 9], outputs: [10], optionsType: BuiltinOptions.FullyConnectedOptions, options: new FullyConnectedOptionsT(ActivationFunctionType.NONE) },
      { opcode: BuiltinOperator.SOFTMAX, version: 1, inputs: [10], outputs: [11], optionsType: BuiltinOptions.SoftmaxOptions, options: new SoftmaxOptionsT(1) }
    ],
    inputs: [0],
    outputs: [11]
  })
}

export interface DepthwiseShape {
  h: number
  w: number
  inC: number
  mult: number
  fh: number
  fw: number
  stride: number
  dilation: number
  padding: 'same' | 'valid'
  activation: 'none' | 'relu' | 'relu6'
}

/**
 * One DEPTHWISE_CONV_2D as the whole model: int8 input [1, h, w, inC], per-channel weights, output
 * [1, oh, ow, inC * mult]. Seeded random weights and biases, output scale chosen so the values spread.
 */
export function depthwiseShaped(seed: number, shape: DepthwiseShape): Uint8Array {
  const { h, w, inC, mult, fh, fw, stride, dilation, padding, activation } = shape
  const outC = inC * mult
  const span = (k: number): number => (k - 1) * dilation + 1
  const oh = padding === 'same' ? Math.ceil(h / stride) : Math.floor((h - span(fh)) / stride) + 1
  const ow = padding === 'same' ? Math.ceil(w / stride) : Math.floor((w - span(fw)) / stride) + 1
  const r = mulberry32(seed)
  const int8s = (n: number): Int8Array => Int8Array.from({ length: n }, () => Math.floor(r() * 255) - 127)
  const int32s = (n: number, limit: number): Int32Array => Int32Array.from({ length: n }, () => Math.round((r() * 2 - 1) * limit))
  const scales = Array.from({ length: outC }, () => 0.002 + r() * 0.01)
  const inScale = 0.05
  const act = { none: ActivationFunctionType.NONE, relu: ActivationFunctionType.RELU, relu6: ActivationFunctionType.RELU6 }[activation]
  return writeTflite({
    description: 'depthwise-shaped (Microforge test)',
    tensors: [
      { name: 'input', type: TensorType.INT8, shape: [1, h, w, inC], quantization: { scale: [inScale], zeroPoint: [3] } },
      { name: 'dw_weights', type: TensorType.INT8, shape: [1, fh, fw, outC], data: bytesOf(int8s(fh * fw * outC)), quantization: { scale: scales, zeroPoint: Array(outC).fill(0), quantizedDimension: 3 } },
      { name: 'dw_bias', type: TensorType.INT32, shape: [outC], data: bytesOf(int32s(outC, 3000)), quantization: { scale: scales.map((s) => s * inScale), zeroPoint: Array(outC).fill(0) } },
      { name: 'dw_out', type: TensorType.INT8, shape: [1, oh, ow, outC], quantization: { scale: [0.04], zeroPoint: [-7] } }
    ],
    operators: [
      {
        opcode: BuiltinOperator.DEPTHWISE_CONV_2D,
        version: 3,
        inputs: [0, 1, 2],
        outputs: [3],
        optionsType: BuiltinOptions.DepthwiseConv2DOptions,
        options: new DepthwiseConv2DOptionsT(padding === 'same' ? Padding.SAME : Padding.VALID, stride, stride, mult, act, dilation, dilation)
      }
    ],
    inputs: [0],
    outputs: [3]
  })
}
