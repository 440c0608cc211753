/**
 * The shared gesture model (ranjith-ms, trained on the mpu6050-punch-flex recordings) read from its
 * float32 .tflite into a ModelIR, so Microforge's exporter can produce its int8 variant: a real
 * trained model for the deploy tests and the benchmark.
 */
import { cgModelFromTflite } from '../../../src/main/core/codegen/graph'
import type { Activation, ModelIR } from '../../../src/main/core/model/model-ir'
import { readFixture } from '../../helpers/fixtures'

export function gestureIr(): ModelIR {
  const m = cgModelFromTflite(readFixture('models', 'gesture_dense_float32.tflite'))
  const fcs = m.operators.filter((o) => o.op === 'FULLY_CONNECTED')
  const layers = fcs.map((op, i) => {
    const w = m.tensors[op.inputs[1]]
    const [units, inUnits] = w.shape
    const src = new Float32Array(w.data!.slice().buffer)
    // TFLite stores FULLY_CONNECTED weights [units, in]; the IR keeps Keras' [in, units].
    const kernel = new Float32Array(inUnits * units)
    for (let u = 0; u < units; u++) for (let k = 0; k < inUnits; k++) kernel[k * units + u] = src[u * inUnits + k]
    const bias = new Float32Array(m.tensors[op.inputs[2]].data!.slice().buffer)
    const activation: Activation = i === fcs.length - 1 ? 'softmax' : op.options.activation === 'relu' ? 'relu' : 'linear'
    return { type: 'dense' as const, name: `dense_${i}`, units, activation, kernel, bias }
  })
  return { name: 'gesture_dense', inputShape: [180], classes: ['punch', 'flex'], layers }
}
