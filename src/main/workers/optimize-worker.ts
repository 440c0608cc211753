/**
 * One optimization variant off the main thread: loads the trained float model, runs the technique
 * (fine-tuning with tfjs where it needs it), exports the .tflite and measures it with the int8
 * interpreter. Posts 'epoch' and 'stage' messages, then one 'result' (bytes transferred) or 'error'.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { toErrorData } from '../../shared/errors'
import { measureVariant } from '../core/optimize/measure'
import { buildVariant } from '../core/optimize/variants'
import { artifactsToModel, fromModelJson } from '../core/train/artifacts'
import { layersModelToIR } from '../core/train/model-ir-convert'
import { workerBackend } from './backend-choice'
import type { OptimizeWorkerOut, OptimizeWorkerRequest, OptimizeWorkerResult } from './optimize-protocol'

const port = parentPort!
const request = workerData as OptimizeWorkerRequest
let cancelled = false
const onMessage = (msg: { type: string }): void => {
  if (msg.type === 'cancel') cancelled = true
}
port.on('message', onMessage)
const post = (msg: OptimizeWorkerOut, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer)

async function run(req: OptimizeWorkerRequest): Promise<void> {
  const started = performance.now()
  const { backend, fallback } = await workerBackend(req.backend)
  const layers = await artifactsToModel(fromModelJson(req.modelJson, req.weights))
  const float = layersModelToIR(layers, req.classes, 'float')
  layers.dispose()
  post({ type: 'stage', message: 'Float model loaded.' })
  const built = await buildVariant(req.kind, float, req.train, req.options, {
    cancelled: () => cancelled || Atomics.load(req.cancelFlag, 0) === 1,
    onEpoch: async (report) => {
      post({ type: 'epoch', report })
      // Lets the 'cancel' message in between epochs.
      await new Promise((r) => setImmediate(r))
    }
  })
  post({ type: 'stage', message: 'Exported; measuring on the test windows…' })
  const metrics = measureVariant(built.model, built.bytes, built.format, req.test, req.corrections)
  const baseline = built.baseline ? { accuracy: measureVariant(built.baseline.model, built.baseline.bytes, 'int8', req.test, req.corrections).accuracy, tfliteBytes: built.baseline.bytes.length } : undefined
  const bytes = built.bytes.slice().buffer as ArrayBuffer
  const result: OptimizeWorkerResult = {
    backend,
    ...(fallback ? { backendFallback: fallback } : {}),
    kind: built.kind,
    format: built.format,
    bytes,
    metrics,
    settings: built.settings,
    model: { name: built.model.name, inputShape: built.model.inputShape, classes: built.model.classes, layers: built.model.layers.map((l) => ({ name: l.name, type: l.type })) },
    warnings: built.report.warnings,
    ...(baseline ? { baseline } : {}),
    ms: performance.now() - started
  }
  post({ type: 'result', result }, [bytes])
}

try {
  await run(request)
} catch (err) {
  post({ type: 'error', error: toErrorData(err) })
} finally {
  port.off('message', onMessage)
}
