import { MicroforgeError } from '../../../shared/errors'
import type { ModelIR } from '../model/model-ir'
import { isPrunable } from './pruning'
import { mulberry32 } from '../train/rng'

/**
 * Weight clustering (tfmot's cluster_weights): each kernel keeps only k distinct values, the
 * centroids of a 1-D k-means over its weights. int8 export still stores one byte per weight, but a
 * kernel with 16 distinct values compresses far better (gzip, or 4-bit indices in custom storage).
 */
export type CentroidInit = 'linear' | 'kmeans++'

export interface ClusteringOptions {
  clusters: number
  /** tfmot's original default: centroids evenly spaced between the smallest and largest weight. */
  init: CentroidInit
  /** Seeds kmeans++ (linear init is deterministic anyway). */
  seed: number
  maxIterations: number
  /** Zeros (from pruning) stay zero and are not clustered, like tfmot's preserve_sparsity. */
  preserveSparsity: boolean
}

export const DEFAULT_CLUSTERING: ClusteringOptions = { clusters: 16, init: 'linear', seed: 42, maxIterations: 100, preserveSparsity: false }

export interface KMeansResult {
  /** Ascending. */
  centroids: Float32Array
  /** Cluster index of each value; -1 for values left out (preserved zeros). */
  assignments: Int16Array
  iterations: number
  converged: boolean
  /** Sum of squared distances to the assigned centroid. */
  inertia: number
}

function initCentroids(values: Float32Array, k: number, init: CentroidInit, seed: number): number[] {
  let lo = Infinity
  let hi = -Infinity
  for (const v of values) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  if (init === 'linear' || values.length <= k) {
    if (k === 1 || hi === lo) return [lo]
    return Array.from({ length: k }, (_, i) => lo + ((hi - lo) * i) / (k - 1))
  }
  // kmeans++: each next centroid is drawn with probability proportional to its squared distance.
  const random = mulberry32(seed)
  const centroids = [values[Math.floor(random() * values.length)]]
  const d2 = new Float64Array(values.length)
  while (centroids.length < k) {
    let total = 0
    for (let i = 0; i < values.length; i++) {
      let best = Infinity
      for (const c of centroids) best = Math.min(best, (values[i] - c) ** 2)
      d2[i] = best
      total += best
    }
    if (total === 0) break
    let r = random() * total
    let pickIndex = values.length - 1
    for (let i = 0; i < values.length; i++) {
      r -= d2[i]
      if (r <= 0) {
        pickIndex = i
        break
      }
    }
    centroids.push(values[pickIndex])
  }
  return centroids.sort((a, b) => a - b)
}

/** Index of the nearest of the ascending centroids (binary search on the midpoints). */
export function nearestCentroid(centroids: ArrayLike<number>, v: number): number {
  let lo = 0
  let hi = centroids.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (v > (centroids[mid] + centroids[mid + 1]) / 2) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Lloyd's algorithm in one dimension. Empty clusters are dropped, so there are at most k centroids. */
export function kmeans1d(values: Float32Array, k: number, init: CentroidInit = 'linear', seed = 42, maxIterations = 100, skipZeros = false): KMeansResult {
  if (!(Number.isInteger(k) && k >= 1 && k <= 256)) throw new MicroforgeError('INVALID_ARGUMENT', `The number of clusters must be a whole number from 1 to 256, not ${k}.`, 'Use 16 (4-bit indices) or 8 for stronger compression.')
  const include = (v: number): boolean => !(skipZeros && v === 0)
  const data = values.filter(include)
  const assignments = new Int16Array(values.length).fill(-1)
  if (data.length === 0) return { centroids: new Float32Array(0), assignments, iterations: 0, converged: true, inertia: 0 }
  let centroids = initCentroids(data, k, init, seed)
  let iterations = 0
  let converged = false
  while (iterations < maxIterations) {
    iterations++
    let changed = false
    const sums = new Float64Array(centroids.length)
    const counts = new Uint32Array(centroids.length)
    for (let i = 0; i < values.length; i++) {
      if (!include(values[i])) continue
      const c = nearestCentroid(centroids, values[i])
      if (assignments[i] !== c) {
        assignments[i] = c
        changed = true
      }
      sums[c] += values[i]
      counts[c]++
    }
    const next: number[] = []
    const remap = new Int16Array(centroids.length).fill(-1)
    for (let c = 0; c < centroids.length; c++) {
      if (!counts[c]) continue
      remap[c] = next.length
      next.push(sums[c] / counts[c])
    }
    if (next.length !== centroids.length) {
      for (let i = 0; i < assignments.length; i++) if (assignments[i] >= 0) assignments[i] = remap[assignments[i]]
    }
    centroids = next
    if (!changed) {
      converged = true
      break
    }
  }
  let inertia = 0
  for (let i = 0; i < values.length; i++) if (assignments[i] >= 0) inertia += (values[i] - centroids[assignments[i]]) ** 2
  return { centroids: Float32Array.from(centroids), assignments, iterations, converged, inertia }
}

/** The values with every weight replaced by its centroid (left-out zeros stay zero). */
export function reconstruct(result: KMeansResult, length: number): Float32Array {
  const out = new Float32Array(length)
  for (let i = 0; i < length; i++) out[i] = result.assignments[i] >= 0 ? result.centroids[result.assignments[i]] : 0
  return out
}

export interface LayerClustering {
  name: string
  result: KMeansResult
}

export interface ClusteredModel {
  model: ModelIR
  layers: LayerClustering[]
}

/** Clusters every dense and convolution kernel (biases stay exact); layers in `skip` are left as they are. */
export function clusterModel(model: ModelIR, options: Partial<ClusteringOptions> = {}, skip: string[] = []): ClusteredModel {
  const o = { ...DEFAULT_CLUSTERING, ...options }
  const layers: LayerClustering[] = []
  const out = model.layers.map((l) => {
    if (!isPrunable(l) || skip.includes(l.name)) return l
    const result = kmeans1d(l.kernel, o.clusters, o.init, o.seed, o.maxIterations, o.preserveSparsity)
    layers.push({ name: l.name, result })
    return { ...l, kernel: reconstruct(result, l.kernel.length) }
  })
  return { model: { ...model, inputShape: [...model.inputShape], classes: [...model.classes], layers: out }, layers }
}

/**
 * One centroid step of clustered fine-tuning, done outside the optimizer: with assignments fixed,
 * each centroid becomes the mean of the weights the optimizer just moved, and every weight snaps
 * back to it. That is the centroid update tfmot gets from summing the gradients of a cluster.
 */
export function snapToClusters(weights: Float32Array, assignments: Int16Array): { weights: Float32Array; centroids: Float32Array } {
  let k = 0
  for (const a of assignments) if (a + 1 > k) k = a + 1
  const sums = new Float64Array(k)
  const counts = new Uint32Array(k)
  for (let i = 0; i < weights.length; i++) {
    const a = assignments[i]
    if (a < 0) continue
    sums[a] += weights[i]
    counts[a]++
  }
  const centroids = Float32Array.from(sums, (s, c) => (counts[c] ? s / counts[c] : 0))
  const out = new Float32Array(weights.length)
  for (let i = 0; i < weights.length; i++) out[i] = assignments[i] >= 0 ? centroids[assignments[i]] : 0
  return { weights: out, centroids }
}

export function uniqueValues(values: Float32Array): number {
  return new Set(values).size
}
