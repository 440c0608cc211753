import type { KernelFamily, NumberFormat, TargetId, TargetLatency, TargetModel } from '../../../shared/optimize'

export type { KernelFamily, NumberFormat, TargetModel }
import type { Layer, ModelIR } from '../model-ir'
import { modelCost } from './model-cost'

/**
 * A first-order latency model for TensorFlow Lite Micro on four boards: cycles per MAC for each
 * kernel family and number format, cycles per element for the work that is not MACs (pooling,
 * activations, softmax), and a fixed cost per operator (dispatch, quantization parameters, loops
 * set-up). The numbers are assumptions, shown to the user as they are; a measured profile of the
 * board sets `correction` (measured / estimated) so later estimates land on the measurement.
 */
export const TARGETS: TargetModel[] = [
  {
    id: 'nano33ble',
    name: 'nRF52840 (Nano 33 BLE)',
    core: 'Cortex-M4F',
    clockMHz: 64,
    cyclesPerMac: { int8: { conv: 1.0, depthwise: 2.0, dense: 1.2 }, float32: { conv: 5, depthwise: 6, dense: 5 } },
    cyclesPerElement: { int8: 6, float32: 10 },
    cyclesPerOp: 2000,
    notes:
      'CMSIS-NN int8 kernels use SMLAD (two 16-bit MACs per cycle) but pay for loads and im2col: about 1 cycle per MAC for convolutions, more for depthwise (little reuse). Float runs TFLM reference kernels on the FPU: about 5 cycles per MAC with loads and loop overhead. Flash wait states at 64 MHz are absorbed in these figures.'
  },
  {
    id: 'esp32',
    name: 'ESP32',
    core: 'Xtensa LX6',
    clockMHz: 240,
    cyclesPerMac: { int8: { conv: 3.0, depthwise: 4.0, dense: 3.0 }, float32: { conv: 13, depthwise: 14, dense: 13 } },
    cyclesPerElement: { int8: 8, float32: 14 },
    cyclesPerOp: 2000,
    notes:
      'The original ESP32 has no int8 SIMD (esp-nn vector kernels need the ESP32-S3), and its FPU is single issue with slow loads; the figures match a measured 1D CNN gesture model (about 54 k MACs: 0.8 ms int8, 3 ms float32 at 240 MHz).'
  },
  {
    id: 'stm32f4',
    name: 'STM32F4',
    core: 'Cortex-M4F',
    clockMHz: 168,
    cyclesPerMac: { int8: { conv: 1.1, depthwise: 2.2, dense: 1.3 }, float32: { conv: 5.5, depthwise: 6.5, dense: 5.5 } },
    cyclesPerElement: { int8: 6, float32: 10 },
    cyclesPerOp: 2000,
    notes:
      'STM32F405/F407 at 168 MHz: same core and CMSIS-NN kernels as the nRF52840; flash has 5 wait states, which the ART accelerator hides for straight code but not for weight reads, hence about 10% more cycles per MAC. The Black Pill (STM32F411) runs at 100 MHz: a profile measured on it sets the correction (about 1.7).'
  },
  {
    id: 'pico',
    name: 'RP2040 (Pico)',
    core: 'Cortex-M0+',
    clockMHz: 133,
    cyclesPerMac: { int8: { conv: 5, depthwise: 6, dense: 5 }, float32: { conv: 60, depthwise: 60, dense: 60 } },
    cyclesPerElement: { int8: 10, float32: 40 },
    cyclesPerOp: 2500,
    notes:
      'Cortex-M0+ has a single-cycle multiplier but no DSP instructions (CMSIS-NN falls back to plain C) and no FPU: float MACs run in the boot ROM\u2019s software float routines, tens of cycles each.'
  }
]

export type LatencyEstimate = TargetLatency

/**
 * Operators the exporter emits for a layer: sequence layers run on a 4-D [1, 1, steps, channels]
 * layout set up once by a RESHAPE at the input, so each maps to one op; softmax is its own op.
 */
function opsFor(layer: Layer): number {
  switch (layer.type) {
    case 'dense':
      return layer.activation === 'softmax' ? 2 : 1
    case 'batchNorm':
    case 'dropout':
      // Batch norm folds into the preceding layer; dropout disappears at export.
      return 0
    default:
      return 1
  }
}

function family(layer: Layer): KernelFamily | null {
  if (layer.type === 'conv1d') return 'conv'
  if (layer.type === 'depthwiseConv1d') return 'depthwise'
  if (layer.type === 'dense') return 'dense'
  return null
}

/** Cycles of one inference on a target. Fp16 and dynamic-range models run float kernels on an MCU. */
export function estimateCycles(model: ModelIR, target: TargetModel, format: NumberFormat): number {
  const cost = modelCost(model)
  let cycles = model.inputShape.length === 2 ? target.cyclesPerOp : 0
  model.layers.forEach((layer, i) => {
    const c = cost.layers[i]
    const f = family(layer)
    if (f) cycles += c.macs * target.cyclesPerMac[format][f]
    else if (layer.type !== 'dropout' && layer.type !== 'flatten') cycles += c.outputElements * target.cyclesPerElement[format]
    // Softmax: an exp per class costs far more than an element copy.
    if ((layer.type === 'dense' || layer.type === 'activation') && layer.activation === 'softmax') cycles += c.outputElements * target.cyclesPerElement[format] * 10
    cycles += opsFor(layer) * target.cyclesPerOp
  })
  return cycles
}

export function estimateLatency(model: ModelIR, format: NumberFormat, corrections: Partial<Record<TargetId, number>> = {}): LatencyEstimate[] {
  return TARGETS.map((t) => {
    const cycles = estimateCycles(model, t, format)
    const rawMs = cycles / (t.clockMHz * 1000)
    const correction = corrections[t.id] && corrections[t.id]! > 0 ? corrections[t.id]! : 1
    return { target: t.id, ms: rawMs * correction, rawMs, cycles, correction }
  })
}

/** The correction a measured profile implies: measured over the uncorrected estimate. */
export function correctionFromMeasurement(measuredMs: number, rawEstimateMs: number): number {
  return measuredMs > 0 && rawEstimateMs > 0 ? measuredMs / rawEstimateMs : 1
}
