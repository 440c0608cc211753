/**
 * Training and evaluation off the main thread: tfjs on wasm blocks for hundreds of milliseconds per
 * epoch. Receives its request as workerData, posts one 'epoch' message per epoch and one 'result'
 * (weights transferred) or 'error', then exits.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { MicroforgeError, toErrorData } from '../../shared/errors'
import { artifactsToModel, fromModelJson, modelToArtifacts, toModelJson, weightBytes } from '../core/train/artifacts'
import '../core/train/depthwise-conv1d'
import { tf } from '../core/train/backend'
import { computeBaseline } from '../core/train/baseline'
import { runSearch } from '../core/train/search-run'
import { evaluateModel, trainLoop } from '../core/train/train-loop'
import { workerBackend } from './backend-choice'
import type { EvaluateWorkerResult, SearchWorkerResult, TrainWorkerRequest, TrainWorkerResult, WorkerIn, WorkerOut } from './train-protocol'

const port = parentPort!
const request = workerData as TrainWorkerRequest
let cancelled = false
const onMessage = (msg: WorkerIn): void => {
  if (msg.type === 'cancel') cancelled = true
}
port.on('message', onMessage)
const post = (msg: WorkerOut, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer)

async function train(req: Extract<TrainWorkerRequest, { kind: 'train' }>): Promise<void> {
  const { backend, fallback } = await workerBackend(req.backend)
  const tensorsBefore = tf.memory().numTensors
  const result = await trainLoop(req.config, req.train, req.val, {
    cancelled: () => cancelled || Atomics.load(req.cancelFlag, 0) === 1,
    onEpoch: async (metrics) => {
      post({ type: 'epoch', metrics })
      // Give the 'cancel' message a chance to arrive between epochs.
      await new Promise((r) => setImmediate(r))
    }
  })
  const test = evaluateModel(result.model, req.test, req.config.inputShape, req.config.classes)
  const [length, axes] = req.config.inputShape
  const baseline = computeBaseline(req.train, req.val, req.test, length * axes, req.config.classes.length)
  const artifacts = await modelToArtifacts(result.model)
  result.model.dispose()
  const weights = weightBytes(artifacts)
  const out: TrainWorkerResult = {
    backend,
    ...(fallback ? { backendFallback: fallback } : {}),
    history: result.history,
    stoppedEarly: result.stoppedEarly,
    bestEpoch: result.bestEpoch,
    test,
    baseline,
    modelJson: toModelJson(artifacts),
    weights,
    leakedTensors: tf.memory().numTensors - tensorsBefore
  }
  post({ type: 'result', result: out }, [weights])
}

async function search(req: Extract<TrainWorkerRequest, { kind: 'search' }>): Promise<void> {
  const { backend, fallback } = await workerBackend(req.backend)
  const tensorsBefore = tf.memory().numTensors
  const cfg = req.config
  const run = await runSearch(cfg, {
    cancelled: () => cancelled || Atomics.load(req.cancelFlag, 0) === 1,
    onCandidate: async (result, tried, elapsedMs) => {
      post({ type: 'candidate', result, tried, elapsedMs })
      await new Promise((r) => setImmediate(r))
    }
  })
  // runSearch always trains the first candidate whatever the budget, so no best means no candidate had its data.
  if (!run.best) throw new MicroforgeError('INTERNAL', 'The search had no candidate to train: none matched the prepared preprocessing.')
  const sets = cfg.sets[run.best.result.preprocessing]!
  const test = evaluateModel(run.best.model, sets.test, cfg.inputShape, cfg.classes)
  const [length, axes] = cfg.inputShape
  const baseline = computeBaseline(sets.train, sets.val, sets.test, length * axes, cfg.classes.length)
  const artifacts = await modelToArtifacts(run.best.model)
  run.best.model.dispose()
  const weights = weightBytes(artifacts)
  const out: SearchWorkerResult = {
    backend,
    ...(fallback ? { backendFallback: fallback } : {}),
    history: run.best.history,
    stoppedEarly: run.best.stoppedEarly,
    bestEpoch: run.best.bestEpoch,
    test,
    baseline,
    modelJson: toModelJson(artifacts),
    weights,
    leakedTensors: tf.memory().numTensors - tensorsBefore,
    candidates: run.results,
    skipped: run.skipped,
    bestId: run.best.result.id,
    stoppedByUser: run.stoppedByUser
  }
  post({ type: 'result', result: out }, [weights])
}

async function evaluate(req: Extract<TrainWorkerRequest, { kind: 'evaluate' }>): Promise<void> {
  const { backend } = await workerBackend(req.backend)
  const baseline = tf.memory().numTensors
  const model = await artifactsToModel(fromModelJson(req.modelJson, req.weights))
  const test = evaluateModel(model, req.test, req.inputShape, req.classes)
  model.dispose()
  const out: EvaluateWorkerResult = { backend, test, leakedTensors: tf.memory().numTensors - baseline }
  post({ type: 'result', result: out })
}

try {
  if (request.kind === 'train') await train(request)
  else if (request.kind === 'search') await search(request)
  else await evaluate(request)
} catch (err) {
  post({ type: 'error', error: toErrorData(err) })
} finally {
  // Without a listener the thread exits by itself once the last message is flushed.
  port.off('message', onMessage)
}
