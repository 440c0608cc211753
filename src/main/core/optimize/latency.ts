import { FLOAT_LATENCY_RUNTIMES, type FloatLatencyRuntime, type FloatProjection, type KernelFamily, type LatencyRuntime, type NumberFormat, type RuntimeLatency, type TargetId, type TargetLatency, type TargetModel } from '../../../shared/optimize'

export type { KernelFamily, NumberFormat, TargetModel }
import type { ModelIR } from '../model/model-ir'
import { FLOAT_KINDS, predictInstructions } from './cost-fit'
import { M4_COST_MODELS, M4_MEASUREMENT } from './m4-cost-model'
import { M4_FLOAT_COST_MODELS, M4_FLOAT_MEASUREMENT } from './m4-float-cost-model'
import { opFactsFromIr, type OpFacts } from './op-facts'

/**
 * Latency per board. int8 models: per-operator cost models per runtime (Microforge's C runtime,
 * TFLM with CMSIS-NN, TFLM reference kernels) fitted to instruction counts measured on an emulated
 * Cortex-M4F (`npm run bench -- m4`), at one cycle per instruction; cores that cannot be emulated
 * here (ESP32's Xtensa, RP2040's Cortex-M0+) get those counts times a stated projection factor.
 * Float models run on TFLM (the C runtime is int8 only): on the Cortex-M4F from cost models fitted
 * to TFLM's float32 kernels measured the same way; elsewhere cycles per MAC for each kernel family,
 * cycles per element for the work that is not MACs, and a fixed cost per operator, all
 * assumptions, labelled a projection (floatBasis). Either way a profile measured on the board sets
 * `correction` (measured / estimated) so later estimates land on the measurement.
 */
export const TARGETS: TargetModel[] = [
  {
    id: 'nano33ble',
    name: 'nRF52840 (Nano 33 BLE)',
    core: 'Cortex-M4F',
    clockMHz: 64,
    int8Projection: null,
    floatProjection: null,
    notes:
      'Instruction counts of each runtime on a Cortex-M4F (int8: C runtime and TFLM; float: TFLM, whose float kernels are the reference ones also with CMSIS-NN), measured in an emulator and fitted per operator, at one cycle per instruction (loads and flash wait states make a real board somewhat slower; profiling on the board corrects it).'
  },
  {
    id: 'esp32',
    name: 'ESP32',
    core: 'Xtensa LX6',
    clockMHz: 240,
    int8Projection: 1.6,
    floatProjection: { cyclesPerMac: { conv: 13, depthwise: 14, dense: 13 }, cyclesPerElement: 14, cyclesPerOp: 2000 },
    notes:
      'int8 is a projection, not a measurement: the Cortex-M4 instruction counts times 1.6 (no dual 16-bit multiply-accumulate, so about twice the multiply instructions, partly hidden by a faster pipeline). The original ESP32 has no int8 SIMD (esp-nn vector kernels need the ESP32-S3), and its FPU is single issue with slow loads; the figures match a measured 1D CNN gesture model (about 54 k MACs: 0.8 ms int8, 3 ms float32 at 240 MHz).'
  },
  {
    id: 'stm32f4',
    name: 'STM32F4',
    core: 'Cortex-M4F',
    clockMHz: 168,
    int8Projection: null,
    floatProjection: null,
    notes:
      'The Cortex-M4F instruction counts measured in an emulator (int8 and float), as for the nRF52840. STM32F405/F407 at 168 MHz: same core and CMSIS-NN kernels as the nRF52840; flash has 5 wait states, which the ART accelerator hides for straight code but not for weight reads, hence about 10% more cycles per MAC. The Black Pill (STM32F411) runs at 100 MHz: a profile measured on it sets the correction (about 1.7).'
  },
  {
    id: 'pico',
    name: 'RP2040 (Pico)',
    core: 'Cortex-M0+',
    clockMHz: 133,
    int8Projection: 2.5,
    floatProjection: { cyclesPerMac: { conv: 185, depthwise: 245, dense: 80 }, cyclesPerElement: 120, cyclesPerOp: 2500 },
    notes:
      'int8 is a projection, not a measurement: the Cortex-M4 instruction counts times 2.5 (Thumb-1 only, no DSP instructions: every MAC is its own load, sign extension and multiply). ' +
      'Cortex-M0+ has a single-cycle multiplier but no DSP instructions (CMSIS-NN falls back to plain C) and no FPU: float MACs run in the boot ROM\u2019s software float routines, tens of cycles each. ' +
      'Float is a projection too: TFLM\u2019s float kernels measured on the Cortex-M4F (about 48 instructions per MAC in convolutions, 70 in depthwise, 6 in dense, nearly all integer indexing) with that integer work times 2.5, plus about 70 cycles per MAC for the software multiply and add.'
  }
]

export type LatencyEstimate = TargetLatency

const FAMILY: Record<string, KernelFamily> = { CONV_2D: 'conv', DEPTHWISE_CONV_2D: 'depthwise', FULLY_CONNECTED: 'dense' }
const ALIAS_OPS = new Set(['RESHAPE', 'EXPAND_DIMS', 'SQUEEZE'])

/** Projected cycles of one float inference on a core whose float kernels are not measured, from its assumed figures. */
export function projectFloatCycles(ops: OpFacts[], p: FloatProjection): number {
  return ops.reduce((cycles, o) => {
    const f = FAMILY[o.op]
    let c = p.cyclesPerOp
    if (f) c += o.macs * p.cyclesPerMac[f]
    else if (!ALIAS_OPS.has(o.op)) c += o.outputElements * p.cyclesPerElement
    // Softmax: an exp per class costs far more than an element copy.
    if (o.op === 'SOFTMAX') c += o.outputElements * p.cyclesPerElement * 10
    return cycles + c
  }, 0)
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

/** Cortex-M4 instructions of one inference of a float32 model on TFLM, from the fitted float cost models. */
export function estimateM4FloatInstructions(ops: OpFacts[], runtime: FloatLatencyRuntime): number {
  return Math.round(predictInstructions(M4_FLOAT_COST_MODELS[runtime], ops, FLOAT_KINDS))
}

/**
 * Float estimates: fitted to TFLM's float32 kernels measured on the Cortex-M4F, or on other cores a
 * projection whose basis gives the assumed figures, so nobody mistakes them for a measurement.
 */
export function floatBasis(t: TargetModel): string {
  const p = t.floatProjection
  if (!p) {
    return `TFLM float32 kernels (the reference ones, also with CMSIS-NN; the Microforge C runtime runs int8 only): per-operator cost models fitted to ${M4_FLOAT_MEASUREMENT}, one cycle per instruction at ${t.clockMHz} MHz.`
  }
  const mac = p.cyclesPerMac
  return (
    `Projection, not a measurement: float kernels on the ${t.core}, which cannot be emulated here, at assumed cycles per MAC (conv ${mac.conv}, depthwise ${mac.depthwise}, dense ${mac.dense}), ` +
    `${p.cyclesPerElement} per element of other layers and ${p.cyclesPerOp} per operator, at ${t.clockMHz} MHz. A profile measured on the board corrects it.`
  )
}

/** The float runtime TFLM is built with on a core: CMSIS-NN on Cortex-M4 (its float kernels are the reference ones), else the reference kernels. */
function tflmRuntime(t: TargetModel): FloatLatencyRuntime {
  return t.core.startsWith('Cortex-M4') ? 'tflm-cmsis-nn' : 'tflm-reference'
}

/** One runtime's uncorrected estimate from its instruction (or cycle) count. */
function runtimeLatency<R extends RuntimeLatency['runtime']>(runtime: R, instructions: number, t: TargetModel): RuntimeLatency & { runtime: R } {
  const rawMs = instructions / (t.clockMHz * 1000)
  return { runtime, instructions, rawMs, ms: rawMs }
}

/** Uncorrected (correction 1): applyCorrection scales it. */
function floatLatency(ops: OpFacts[], t: TargetModel): TargetLatency {
  if (t.floatProjection) {
    const cycles = projectFloatCycles(ops, t.floatProjection)
    const rawMs = cycles / (t.clockMHz * 1000)
    return { target: t.id, ms: rawMs, rawMs, cycles, correction: 1, runtime: tflmRuntime(t), basis: floatBasis(t), projection: true }
  }
  const byRuntime: RuntimeLatency[] = FLOAT_LATENCY_RUNTIMES.map((runtime) => runtimeLatency(runtime, estimateM4FloatInstructions(ops, runtime), t))
  const c = byRuntime.find((r) => r.runtime === tflmRuntime(t))!
  return { target: t.id, ms: c.ms, rawMs: c.rawMs, cycles: c.instructions, correction: 1, runtime: c.runtime, basis: floatBasis(t), projection: false, byRuntime }
}

/** Uncorrected (correction 1), the default runtime first: applyCorrection scales it. Optimize counts whole instructions; Deploy does not round. */
function int8Latency(ops: OpFacts[], t: TargetModel, runtimes: LatencyRuntime[] = LATENCY_RUNTIMES, whole = true): TargetLatency {
  const count = (runtime: LatencyRuntime): number => {
    const m4 = predictInstructions(M4_COST_MODELS[runtime], ops, runtime)
    return whole ? Math.round(Math.round(m4) * (t.int8Projection ?? 1)) : m4 * (t.int8Projection ?? 1)
  }
  const byRuntime: RuntimeLatency[] = runtimes.map((runtime) => runtimeLatency(runtime, count(runtime), t))
  const c = byRuntime[0]
  return { target: t.id, ms: c.ms, rawMs: c.rawMs, cycles: c.instructions, correction: 1, runtime: c.runtime, basis: int8Basis(t), projection: t.int8Projection !== null, byRuntime }
}

/**
 * The one place a board's correction (measured / estimated, from profiles on that board) scales
 * an estimate: the estimate and each runtime's, from their uncorrected figures. A missing or
 * non-positive factor is none.
 */
export function applyCorrection(l: TargetLatency, factor: number | undefined): TargetLatency {
  const correction = factor !== undefined && factor > 0 ? factor : 1
  return { ...l, correction, ms: l.rawMs * correction, byRuntime: l.byRuntime?.map((r) => ({ ...r, ms: r.rawMs * correction })) }
}

export function estimateLatency(model: ModelIR, format: NumberFormat, corrections: Partial<Record<TargetId, number>> = {}): LatencyEstimate[] {
  const ops = opFactsFromIr(model)
  return TARGETS.map((t) => applyCorrection(format === 'int8' ? int8Latency(ops, t) : floatLatency(ops, t), corrections[t.id]))
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
 * build for Arm), elsewhere with its reference kernels. Float models: TFLM only (null for the C
 * runtime, which cannot build them).
 */
export function deployLatency(ops: OpFacts[], targetId: TargetId, runtime: 'c' | 'tflm', correction = 1, format: NumberFormat = 'int8'): { ms: number; runtime: LatencyRuntime; basis: string } | null {
  const t = TARGETS.find((x) => x.id === targetId)
  if (!t) return null
  if (format === 'float32' && runtime === 'c') return null
  const rt: LatencyRuntime = runtime === 'c' ? 'c' : tflmRuntime(t)
  const l = applyCorrection(format === 'float32' ? floatLatency(ops, t) : int8Latency(ops, t, [rt], false), correction)
  const corrected = l.correction !== 1 ? ` Corrected x${l.correction.toFixed(2)} by a board measurement.` : ''
  return { ms: l.ms, runtime: rt, basis: `${l.basis}${corrected}` }
}
