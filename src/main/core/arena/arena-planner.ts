/**
 * How much RAM a model needs on the board: TensorFlow Lite Micro's tensor arena for the kernels
 * the board's TFLM uses (arena/tflm-arena.ts: head planned like GreedyMemoryPlanner, tail replayed
 * from the allocator), and the smaller arena of Microforge's own C runtime, which keeps shapes and
 * multipliers in flash and needs only the activations. Both come from the one greedy planner.
 */
import type { TargetId } from '../../../shared/boards'
import { planGreedy, type GreedyPlan, type PlanBuffer } from './greedy-plan'
import { CORTEX_M_CMSIS, CORTEX_M_REFERENCE, headBuffers, tflmArena, type TflmArenaTarget } from './tflm-arena'
import type { ParsedModel } from '../tflite/reader'

export { TFLM_ALIGNMENT } from './tflm-arena'
export type { GreedyPlan as ArenaLayout, PlacedBuffer as PlannedBuffer } from './greedy-plan'

/** The C runtime aligns every activation to 16 bytes (mf_runtime.h), like TFLM. */
export const RUNTIME_ALIGNMENT = 16

/**
 * The kernels each board's TFLM build uses: CMSIS-NN on the Cortex-M4F boards (the Arduino and
 * STM32 TFLM libraries build them); reference kernels where no optimized set is known to this
 * estimate (ESP32's Xtensa with its 4-byte enums, and the Pico's Cortex-M0+ without DSP).
 */
export function tflmTargetOf(board: TargetId): TflmArenaTarget {
  switch (board) {
    case 'nano33ble':
    case 'stm32f4':
      return CORTEX_M_CMSIS
    case 'esp32':
      return { kernels: 'reference', abi: { shortEnums: false } }
    case 'pico':
      return CORTEX_M_REFERENCE
  }
}

/**
 * Every kernel set a TFLM build for the board may link, so kTensorArenaSize holds whichever one
 * the user's library was built with: a Cortex-M TFLM library is built with CMSIS-NN
 * (OPTIMIZED_KERNEL_DIR=cmsis_nn) or without it, and the two need different arenas (CMSIS-NN more
 * for int8 convolutions, the reference kernels more for float32). ESP32: the reference kernels
 * only, the one set this estimate knows for Xtensa.
 */
export function tflmLinkableTargets(board: TargetId): TflmArenaTarget[] {
  const own = tflmTargetOf(board)
  if (board === 'esp32') return [own]
  return [own, ...[CORTEX_M_CMSIS, CORTEX_M_REFERENCE].filter((t) => t.kernels !== own.kernels)]
}

export interface ArenaReport {
  /** What goes to flash: the whole .tflite (or the same bytes as a C array). */
  flashBytes: number
  tflm: {
    kernels: TflmArenaTarget['kernels']
    /** Activations + kernel scratch, as GreedyMemoryPlanner lays them out (the head). */
    plannedBytes: number
    /** Persistent bookkeeping (the tail): allocator objects, tensors, nodes, kernel OpData. */
    overheadEstimateBytes: number
    /** plannedBytes + overheadEstimateBytes: MicroInterpreter::arena_used_bytes(). */
    totalEstimateBytes: number
    /** The smallest kTensorArenaSize AllocateTensors() passes with (it plans in the free space). */
    requiredBytes: number
    layout: GreedyPlan
  }
  /** Our C runtime: activations only. */
  runtime: GreedyPlan
}

/** The C runtime's static arena: the activations (no kernel scratch), 16-byte aligned. */
export function runtimeArena(buffers: PlanBuffer[]): GreedyPlan {
  return planGreedy(buffers, RUNTIME_ALIGNMENT)
}

export function planArena(model: ParsedModel, target: TflmArenaTarget = CORTEX_M_CMSIS): ArenaReport {
  const t = tflmArena(model, target)
  return {
    flashBytes: model.sizes.fileBytes,
    tflm: {
      kernels: target.kernels,
      plannedBytes: t.headBytes,
      overheadEstimateBytes: t.tailBytes,
      totalEstimateBytes: t.usedBytes,
      requiredBytes: t.requiredBytes,
      layout: t.plan
    },
    runtime: runtimeArena(headBuffers(model.subgraphs[0]))
  }
}
