/**
 * Small int8 recurrent models the way the TFLite converter writes them for TensorFlow Lite Micro, to
 * check that inspect reads each operator's tensor roles (an LSTM's input 2 is a weight, its biases
 * are inputs 12-15; SVDF's time weights are int16) instead of assuming [input, weights, bias]:
 * - UNIDIRECTIONAL_SEQUENCE_LSTM: 24 inputs: 0 input; 1-4 input-to-{input,forget,cell,output}
 *   weights; 5-8 recurrent-to-{...} weights; 9-11 peephole (absent: -1); 12-15 gate biases (int32);
 *   16-17 projection (absent); 18 output state (int8, variable); 19 cell state (int16, variable,
 *   power-of-two scale); 20-23 layer norm (absent).
 * - SVDF: 0 input; 1 feature weights (int8); 2 time weights (int16); 3 bias (int32); 4 activation
 *   state (int16, variable).
 */
import { mulberry32 } from '../../src/main/core/util/random'
import { BuiltinOptions } from '../../src/main/core/tflite/schema/tflite/builtin-options'
import { SVDFOptionsT } from '../../src/main/core/tflite/schema/tflite/svdfoptions'
import { UnidirectionalSequenceLSTMOptionsT } from '../../src/main/core/tflite/schema/tflite/unidirectional-sequence-lstmoptions'
import { ActivationFunctionType } from '../../src/main/core/tflite/schema/tflite/activation-function-type'
import { buildModel, type TensorSpec } from './tflite-builder'

function values(seed: number, n: number, lo: number, hi: number): number[] {
  const r = mulberry32(seed)
  return Array.from({ length: n }, () => Math.round(lo + r() * (hi - lo)))
}

export const LSTM_SHAPE = { batch: 1, time: 5, inputs: 3, cells: 4 }

/**
 * int8 LSTM, no peephole, projection or layer norm (what the converter writes for a Keras LSTM).
 * With a FLOAT32 activation type it becomes a hybrid LSTM: float input, output and states, int8 weights.
 */
export function int8Lstm(seed = 31, activations: 'INT8' | 'FLOAT32' = 'INT8'): Uint8Array {
  const f = activations === 'FLOAT32'
  const { batch, time, inputs, cells } = LSTM_SHAPE
  const tensors: TensorSpec[] = []
  const add = (t: TensorSpec): number => tensors.push(t) - 1
  const x = add(f ? { name: 'input', type: 'FLOAT32', shape: [batch, time, inputs] } : { name: 'input', type: 'INT8', shape: [batch, time, inputs], scale: 0.02, zeroPoint: -3 })
  let s = seed
  const weight = (cols: number): number => add({ type: 'INT8', shape: [cells, cols], values: values(s++, cells * cols, -127, 127), scale: 0.004, zeroPoint: 0 })
  const inputWeights = [0, 1, 2, 3].map(() => weight(inputs))
  const recurrentWeights = [0, 1, 2, 3].map(() => weight(cells))
  const biases = [0, 1, 2, 3].map(() =>
    add(f ? { type: 'FLOAT32', shape: [cells], values: values(s++, cells, -1, 1) } : { type: 'INT32', shape: [cells], values: values(s++, cells, -2000, 2000), scale: 0.02 * 0.004, zeroPoint: 0 })
  )
  const outputState = add(f ? { name: 'output_state', type: 'FLOAT32', shape: [batch, cells], isVariable: true } : { name: 'output_state', type: 'INT8', shape: [batch, cells], scale: 1 / 128, zeroPoint: 0, isVariable: true })
  const cellState = add(f ? { name: 'cell_state', type: 'FLOAT32', shape: [batch, cells], isVariable: true } : { name: 'cell_state', type: 'INT16', shape: [batch, cells], scale: 2 ** -11, zeroPoint: 0, isVariable: true })
  const y = add(f ? { name: 'output', type: 'FLOAT32', shape: [batch, time, cells] } : { name: 'output', type: 'INT8', shape: [batch, time, cells], scale: 1 / 128, zeroPoint: 0 })
  const opInputs = [x, ...inputWeights, ...recurrentWeights, -1, -1, -1, ...biases, -1, -1, outputState, cellState, -1, -1, -1, -1]
  return buildModel({
    tensors,
    ops: [
      {
        op: 'UNIDIRECTIONAL_SEQUENCE_LSTM',
        inputs: opInputs,
        outputs: [y],
        optionsType: BuiltinOptions.UnidirectionalSequenceLSTMOptions,
        options: new UnidirectionalSequenceLSTMOptionsT(ActivationFunctionType.TANH, 10, 0, false),
        version: 1
      }
    ],
    inputs: [x],
    outputs: [y]
  })
}

/** int8 SVDF of rank 1 (the converter's keyword-spotting layer). */
export function int8Svdf(seed = 37): Uint8Array {
  const batch = 1
  const inputSize = 6
  const units = 4
  const rank = 1
  const filters = units * rank
  const memory = 8
  const tensors: TensorSpec[] = []
  const add = (t: TensorSpec): number => tensors.push(t) - 1
  const x = add({ name: 'input', type: 'INT8', shape: [batch, inputSize], scale: 0.03, zeroPoint: 2 })
  const feature = add({ type: 'INT8', shape: [filters, inputSize], values: values(seed, filters * inputSize, -127, 127), scale: 0.005, zeroPoint: 0 })
  const timeWeights = add({ type: 'INT16', shape: [filters, memory], values: values(seed + 1, filters * memory, -20000, 20000), scale: 2 ** -15, zeroPoint: 0 })
  // TFLM's SVDF Prepare: bias scale = activation state scale * time weights scale.
  const bias = add({ type: 'INT32', shape: [units], values: values(seed + 2, units, -50000, 50000), scale: 0.002 * 2 ** -15, zeroPoint: 0 })
  const state = add({ name: 'activation_state', type: 'INT16', shape: [batch, memory * filters], scale: 0.002, zeroPoint: 0, isVariable: true })
  const y = add({ name: 'output', type: 'INT8', shape: [batch, units], scale: 0.05, zeroPoint: -10 })
  return buildModel({
    tensors,
    ops: [{ op: 'SVDF', inputs: [x, feature, timeWeights, bias, state], outputs: [y], optionsType: BuiltinOptions.SVDFOptions, options: new SVDFOptionsT(rank, ActivationFunctionType.RELU), version: 1 }],
    inputs: [x],
    outputs: [y]
  })
}
