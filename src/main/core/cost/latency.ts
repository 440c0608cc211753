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
 * to TFLM's float32 kernels measured the same way; elsewhere those same fitted counts times a
 * stated factor for the core, plus software float cycles per MAC on a core without an FPU, labelled
 * a projection (floatBasis). Either way a profile measured on the board sets
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
    floatProjection: { factor: 1.2, softFloatCyclesPerMac: 0 },
    notes:
      'int8 is a projection, not a measurement: the Cortex-M4 instruction counts times 1.6 (no dual 16-bit multiply-accumulate, so about twice the multiply instructions, partly hidden by a faster pipeline). The original ESP32 has no int8 SIMD (esp-nn vector kernels need the ESP32-S3); int8 matches a measured 1D CNN gesture model (about 54 k MACs: 0.8 ms at 240 MHz). ' +
      'Float32 is a projection too: TFLM\u2019s float kernels are the same C code as on the Cortex-M4F, where they are measured (about 45\u201363 instructions per MAC in convolutions, 69\u201379 in depthwise, 6 in dense, nearly all integer indexing), so the ESP32 gets those counts times 1.2: its LX6 runs such integer code at about one instruction per cycle like the Cortex-M4, and its single-precision FPU (no double precision, float loads and multiply-adds that stall the in-order pipeline when used back to back) is taken as 20% slower overall. The 1.2 is an assumption, not a measurement; a profile measured on the board corrects it.'
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
    floatProjection: { factor: 2.5, softFloatCyclesPerMac: 70 },
    notes:
      'int8 is a projection, not a measurement: the Cortex-M4 instruction counts times 2.5 (Thumb-1 only, no DSP instructions: every MAC is its own load, sign extension and multiply). ' +
      'Cortex-M0+ has a single-cycle multiplier but no DSP instructions (CMSIS-NN falls back to plain C) and no FPU: float MACs run in the boot ROM\u2019s software float routines, tens of cycles each. ' +
      'Float is a projection too: TFLM\u2019s float kernels measured on the Cortex-M4F (about 45\u201363 instructions per MAC in convolutions, 69\u201379 in depthwise, 6 in dense, nearly all integer indexing) times 2.5, the same factor as int8 for Thumb-1 code, plus about 70 cycles per MAC for the software multiply and add the Cortex-M4F does in its FPU (so its factor is far above the ESP32\u2019s 1.2).'
  }
]

export type LatencyEstimate = TargetLatency

/**
 * Projected cycles of one float inference on a core whose float kernels are not measured here: the
 * Cortex-M4F instructions of TFLM's float kernels (fitted per operator to QEMU counts) times the
 * core's factor, plus its software float cycles per MAC when it has no FPU.
 */
export function projectFloatCycles(ops: OpFacts[], p: FloatProjection, runtime: FloatLatencyRuntime = 'tflm-reference'): number {
  const macs = ops.reduce((n, o) => n + o.macs, 0)
  return Math.round(estimateM4FloatInstructions(ops, runtime) * p.factor + macs * p.softFloatCyclesPerMac)
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
  const soft = p.softFloatCyclesPerMac > 0 ? `, plus ${p.softFloatCyclesPerMac} cycles per MAC for software float (no FPU)` : ''
  return (
    `Projection, not a measurement: the ${t.core} cannot be emulated here, so TFLM's float kernels as measured on the Cortex-M4F (${M4_FLOAT_MEASUREMENT}, fitted per operator) ` +
    `x ${p.factor} for the ${t.core}${soft}, at ${t.clockMHz} MHz. A profile measured on the board corrects it.`
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
    const cycles = projectFloatCycles(ops, t.floatProjection, tflmRuntime(t))
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
