import * as tf from '@tensorflow/tfjs'
import { MicroforgeError } from '../../../shared/errors'

export const WEIGHTS_FILE = 'weights.bin'

/** model.json as tfjs writes it (format 'layers-model'), with our metadata alongside. */
export interface ModelJson {
  format: 'layers-model'
  generatedBy: string
  convertedBy: null
  modelTopology: unknown
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>
  userDefinedMetadata?: Record<string, unknown>
}

/** The artifacts tfjs would save, captured in memory (a save handler that writes nowhere). */
export async function modelToArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | null = null
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    })
  )
  if (!captured) throw new Error('tfjs did not hand over the model artifacts')
  return captured
}

/** One contiguous buffer of all weights (tfjs may hand over a list of shards). */
export function weightBytes(artifacts: tf.io.ModelArtifacts): ArrayBuffer {
  const data = artifacts.weightData
  if (!data) return new ArrayBuffer(0)
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data
}

export function toModelJson(artifacts: tf.io.ModelArtifacts, metadata?: Record<string, unknown>): ModelJson {
  return {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers} (Microforge)`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
    ...(metadata ? { userDefinedMetadata: metadata } : {})
  }
}

/** The reverse of toModelJson: artifacts tfjs can load (tf.io.fromMemory). */
export function fromModelJson(json: ModelJson, weights: ArrayBuffer): tf.io.ModelArtifacts {
  if (json?.format !== 'layers-model' || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new MicroforgeError('PROJECT_CORRUPT', 'models/float/model.json is not a tfjs layers model.', 'Train the model again.')
  }
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights)
  return { modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'], weightSpecs, weightData: weights, format: json.format, generatedBy: json.generatedBy, convertedBy: null, userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'] }
}

export async function artifactsToModel(artifacts: tf.io.ModelArtifacts): Promise<tf.LayersModel> {
  // Importing the custom layer registers it for deserialization.
  await import('./depthwise-conv1d')
  return tf.loadLayersModel(tf.io.fromMemory(artifacts))
}
