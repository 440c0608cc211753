import type { KernelFamily, LatencyRuntime, NumberFormat, RuntimeLatency, TargetId, TargetLatency, TargetModel } from '../../../shared/optimize'

export type { KernelFamily, NumberFormat, TargetModel }
import type { Layer, ModelIR } from '../model/model-ir'
import { predictInstructions } from './cost-fit'
import { M4_COST_MODELS, M4_MEASUREMENT } from './m4-cost-model'
import { modelCost } from './model-cost'
import { opFactsFromIr, type OpFacts } from './op-facts'

/**
 * Latency per board. int8 models: per-operator cost models per runtime (Microforge's C runtime,
 * TFLM with CMSIS-NN, TFLM reference kernels) fitted to instruction counts measured on an emulated
 * Cortex-M4F (`npm run bench -- m4`), at one cycle per instruction; cores that cannot be emulated
 * here (ESP32's Xtensa, RP2040's Cortex-M0+) get those counts times a stated projection factor.
 * Float kernels: cycles per MAC for each kernel family, cycles per element for the work that is
 * not MACs, and a fixed cost per operator, all assumptions, labelled a projection (floatBasis). Either way a profile measured on the
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
    int8Projection: null,
    notes:
      'int8: instruction counts of each runtime on a Cortex-M4F, measured in an emulator and fitted per operator, at one cycle per instruction (loads and flash wait states make a real board somewhat slower; profiling on the board corrects it). Float runs TFLM reference kernels on the FPU: about 5 cycles per MAC with loads and loop overhead.'
  },
  {
    id: 'esp32',
    name: 'ESP32',
    core: 'Xtensa LX6',
    clockMHz: 240,
    cyclesPerMac: { int8: { conv: 3.0, depthwise: 4.0, dense: 3.0 }, float32: { conv: 13, depthwise: 14, dense: 13 } },
    cyclesPerElement: { int8: 8, float32: 14 },
    cyclesPerOp: 2000,
    int8Projection: 1.6,
    notes:
      'int8 is a projection, not a measurement: the Cortex-M4 instruction counts times 1.6 (no dual 16-bit multiply-accumulate, so about twice the multiply instructions, partly hidden by a faster pipeline). The original ESP32 has no int8 SIMD (esp-nn vector kernels need the ESP32-S3), and its FPU is single issue with slow loads; the figures match a measured 1D CNN gesture model (about 54 k MACs: 0.8 ms int8, 3 ms float32 at 240 MHz).'
  },
  {
    id: 'stm32f4',
    name: 'STM32F4',
    core: 'Cortex-M4F',
    clockMHz: 168,
    cyclesPerMac: { int8: { conv: 1.1, depthwise: 2.2, dense: 1.3 }, float32: { conv: 5.5, depthwise: 6.5, dense: 5.5 } },
    cyclesPerElement: { int8: 6, float32: 10 },
    cyclesPerOp: 2000,
    int8Projection: null,
    notes:
      'int8: the Cortex-M4F instruction counts measured in an emulator, as for the nRF52840. STM32F405/F407 at 168 MHz: same core and CMSIS-NN kernels as the nRF52840; flash has 5 wait states, which the ART accelerator hides for straight code but not for weight reads, hence about 10% more cycles per MAC. The Black Pill (STM32F411) runs at 100 MHz: a profile measured on it sets the correction (about 1.7).'
  },
  {
    id: 'pico',
    name: 'RP2040 (Pico)',
    core: 'Cortex-M0+',
    clockMHz: 133,
    cyclesPerMac: { int8: { conv: 5, depthwise: 6, dense: 5 }, float32: { conv: 60, depthwise: 60, dense: 60 } },
    cyclesPerElement: { int8: 10, float32: 40 },
    cyclesPerOp: 2500,
    int8Projection: 2.5,
    notes:
      'int8 is a projection, not a measurement: the Cortex-M4 instruction counts times 2.5 (Thumb-1 only, no DSP instructions: every MAC is its own load, sign extension and multiply). ' +
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

/** The runtimes of an int8 estimate, the default (what the app recommends deploying) first. */
export const LATENCY_RUNTIMES: LatencyRuntime[] = ['c', 'tflm-cmsis-nn', 'tflm-reference']

/** Cortex-M4 instructions of one inference of an int8 model on a runtime, from the fitted cost models. */
export function estimateM4Instructions(model: ModelIR, runtime: LatencyRuntime): number {
  return Math.round(predictInstructions(M4_COST_MODELS[runtime], opFactsFromIr(model), runtime))
}

export function int8Basis(target: TargetModel): string {
  return target.int8Projection === null
    ? `Per-operator cost models fitted to ${M4_MEASUREMENT}, one cycle per instruction at ${target.clockMHz} MHz.`
    : `Projection: Cortex-M4 instruction counts x ${target.int8Projection} for the ${target.core}, which cannot be emulated here; a profile measured on the board corrects it.`
}

/**
 * Float estimates are not fitted to any measurement (the bench counts int8 kernels only): the
 * basis says so and gives the assumed figures, so nobody mistakes them for the int8 ones.
 */
export function floatBasis(t: TargetModel, format: NumberFormat): string {
  const mac = t.cyclesPerMac[format]
  return (
    `Projection, not a measurement: float kernels on the ${t.core} at assumed cycles per MAC (conv ${mac.conv}, depthwise ${mac.depthwise}, dense ${mac.dense}), ` +
    `${t.cyclesPerElement[format]} per element of other layers and ${t.cyclesPerOp} per operator, at ${t.clockMHz} MHz; no float model is measured. A profile measured on the board corrects it.`
  )
}

function int8Latency(model: ModelIR, t: TargetModel, correction: number): TargetLatency {
  const byRuntime: RuntimeLatency[] = LATENCY_RUNTIMES.map((runtime) => {
    const instructions = Math.round(estimateM4Instructions(model, runtime) * (t.int8Projection ?? 1))
    const rawMs = instructions / (t.clockMHz * 1000)
    return { runtime, instructions, rawMs, ms: rawMs * correction }
  })
  const c = byRuntime[0]
  return { target: t.id, ms: c.ms, rawMs: c.rawMs, cycles: c.instructions, correction, runtime: 'c', basis: int8Basis(t), projection: t.int8Projection !== null, byRuntime }
}

export function estimateLatency(model: ModelIR, format: NumberFormat, corrections: Partial<Record<TargetId, number>> = {}): LatencyEstimate[] {
  return TARGETS.map((t) => {
    const correction = corrections[t.id] && corrections[t.id]! > 0 ? corrections[t.id]! : 1
    if (format === 'int8') return int8Latency(model, t, correction)
    const cycles = estimateCycles(model, t, format)
    const rawMs = cycles / (t.clockMHz * 1000)
    return { target: t.id, ms: rawMs * correction, rawMs, cycles, correction, basis: floatBasis(t, format), projection: true }
  })
}

/** The estimate for the runtime that will be deployed (C runtime, or TFLM with CMSIS-NN on Arm). */
export function latencyForRuntime(l: TargetLatency, runtime: LatencyRuntime): RuntimeLatency | null {
  return l.byRuntime?.find((r) => r.runtime === runtime) ?? null
}

/** The correction a measured profile implies: measured over the uncorrected estimate. */
export function correctionFromMeasurement(measuredMs: number, rawEstimateMs: number): number {
  return measuredMs > 0 && rawEstimateMs > 0 ? measuredMs / rawEstimateMs : 1
}

/**
 * Deploy's estimate: the runtime it builds, on the board, from the exported graph's operators.
 * TFLM on a Cortex-M core is taken with CMSIS-NN (what the Arduino and PlatformIO TFLM libraries
 * build for Arm), elsewhere with its reference kernels.
 */
export function deployLatency(ops: OpFacts[], targetId: TargetId, runtime: 'c' | 'tflm', correction = 1): { ms: number; runtime: LatencyRuntime; basis: string } | null {
  const t = TARGETS.find((x) => x.id === targetId)
  if (!t) return null
  const rt: LatencyRuntime = runtime === 'c' ? 'c' : t.core.startsWith('Cortex-M4') ? 'tflm-cmsis-nn' : 'tflm-reference'
  const instructions = predictInstructions(M4_COST_MODELS[rt], ops, rt) * (t.int8Projection ?? 1)
  const factor = correction > 0 ? correction : 1
  return { ms: (instructions / (t.clockMHz * 1000)) * factor, runtime: rt, basis: `${int8Basis(t)}${factor !== 1 ? ` Corrected x${factor.toFixed(2)} by a board measurement.` : ''}` }
}
