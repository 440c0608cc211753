import { resolve } from 'node:path'
import type { InspectSummary, TensorSummary } from '../../shared/contract/model'
import { defineCommand } from '../command'

function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`
}

function describeTensor(t: TensorSummary): string {
  const q = t.scale === null ? '' : t.scales ? `  per-channel (${t.scales.length} scales, axis ${t.quantizedDimension})` : `  scale ${t.scale.toPrecision(6)} zero point ${t.zeroPoint}`
  return `${t.type} [${t.shape.join(', ')}]${q}  "${t.name}"`
}

function format(result: unknown): string {
  const s = result as InspectSummary
  const lines = [
    `Operators (${s.ops.length}): ${s.ops.join(', ')}`,
    ...s.inputs.map((t, i) => `Input ${i}:  ${describeTensor(t)}`),
    ...s.outputs.map((t, i) => `Output ${i}: ${describeTensor(t)}`),
    `Flash: ${kb(s.sizes.fileBytes)} (weights ${kb(s.sizes.constantBytes)})`,
    `RAM:   TensorFlow Lite Micro arena about ${kb(s.sizes.arena.tflmEstimateBytes)} (${kb(s.sizes.arena.tflmPlannedBytes)} of it activations); Microforge C runtime ${kb(s.sizes.arena.runtimeBytes)}`,
    s.tflmSupported ? 'TensorFlow Lite Micro: can run this model.' : 'TensorFlow Lite Micro: cannot run this model:',
    ...s.problems.map((p) => `  - ${p.message}`)
  ]
  if (!s.microforgeRunnable && s.microforgeProblem) lines.push(`Microforge interpreter: cannot run it (${s.microforgeProblem})`)
  return lines.join('\n')
}

export const command = defineCommand('inspect', 'FILE.tflite [--json]', 'Show a .tflite model: operators, inputs/outputs, sizes, and whether TensorFlow Lite Micro can run it.', {
  positionals: [1, 1],
  async run(ctx, [file]) {
    return ctx.api.model.inspect(resolve(file))
  },
  format
})
