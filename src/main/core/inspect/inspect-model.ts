/**
 * What a hobbyist needs to know about a .tflite before flashing it: operators, input/output types
 * and quantization, sizes (flash, arena), whether TensorFlow Lite Micro and Microforge's own
 * interpreter can run it. Sits above tflite/, the interpreter and the arena planner.
 */
import type { InspectSummary } from '../../../shared/contract/model'
import { MicroforgeError } from '../../../shared/errors'
import { planArena } from '../arena/arena-planner'
import { Interpreter } from '../quant/interpreter'
import { parseTflite, type ParsedModel } from '../tflite/reader'
import { findProblems, summarizeTensor } from '../tflite/tflm-compat'

export function inspectModel(model: ParsedModel): InspectSummary {
  const sg = model.subgraphs[0]
  const problems = findProblems(model)
  let microforgeProblem: string | null = null
  try {
    new Interpreter(model)
  } catch (e) {
    microforgeProblem = e instanceof MicroforgeError ? e.message : String(e)
  }
  const arena = planArena(model)
  let activationBytes = 0
  for (const t of sg.tensors) if (t.data === null) activationBytes += t.byteSize
  return {
    schemaVersion: model.schemaVersion,
    description: model.description,
    subgraphs: model.subgraphs.length,
    ops: sg.operators.map((o) => o.builtin),
    operators: sg.operators.map((o) => ({ index: o.index, op: o.builtin, version: o.version, inputs: o.inputs, outputs: o.outputs, options: { ...o.options } })),
    inputs: sg.inputs.map((i) => summarizeTensor(sg.tensors[i])),
    outputs: sg.outputs.map((i) => summarizeTensor(sg.tensors[i])),
    tensors: sg.tensors.map(summarizeTensor),
    tflmSupported: problems.length === 0,
    problems,
    microforgeRunnable: microforgeProblem === null,
    microforgeProblem,
    sizes: {
      fileBytes: model.sizes.fileBytes,
      constantBytes: model.sizes.constantBytes,
      activationBytes,
      arena: { tflmEstimateBytes: arena.tflm.totalEstimateBytes, tflmPlannedBytes: arena.tflm.plannedBytes, runtimeBytes: arena.runtime.bytes }
    }
  }
}

/** Parse and inspect in one step (bytes of a .tflite file). */
export function inspectTflite(bytes: Uint8Array): InspectSummary {
  return inspectModel(parseTflite(bytes))
}
