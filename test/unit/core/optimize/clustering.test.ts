import { describe, expect, it } from 'vitest'
import { clusterModel, kmeans1d, nearestCentroid, reconstruct, snapToClusters, uniqueValues } from '../../../../src/main/core/optimize/clustering'
import { pruneByMagnitude, sparsityReport } from '../../../../src/main/core/optimize/pruning'
import { mulberry32 } from '../../../../src/main/core/train/rng'
import { cnnModel, randomWeights } from './fixtures'

describe('1-D k-means', () => {
  it('finds obvious clusters from a linear initialisation', () => {
    const v = Float32Array.from([0, 0.1, 0.2, 5, 5.1, 5.2, 10, 10.1, 10.2])
    const r = kmeans1d(v, 3)
    expect(r.converged).toBe(true)
    expect(Array.from(r.centroids).map((c) => +c.toFixed(4))).toEqual([0.1, 5.1, 10.1])
    expect(Array.from(r.assignments)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2])
    expect(r.inertia).toBeCloseTo(6 * 0.01, 4)
  })

  it('converges to at most k distinct values and lowers the error as k grows', () => {
    const w = randomWeights(2000, mulberry32(5))
    let last = Infinity
    for (const k of [4, 8, 16, 32]) {
      const r = kmeans1d(w, k)
      expect(r.converged).toBe(true)
      const c = reconstruct(r, w.length)
      expect(uniqueValues(c)).toBeLessThanOrEqual(k)
      expect(r.inertia).toBeLessThan(last)
      last = r.inertia
      // Ascending centroids, so the nearest-centroid search is a bisection.
      for (let i = 1; i < r.centroids.length; i++) expect(r.centroids[i]).toBeGreaterThan(r.centroids[i - 1])
    }
  })

  it('is deterministic with kmeans++ for a seed', () => {
    const w = randomWeights(500, mulberry32(8))
    const a = kmeans1d(w, 16, 'kmeans++', 7)
    const b = kmeans1d(w, 16, 'kmeans++', 7)
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids))
    expect(a.centroids.length).toBeLessThanOrEqual(16)
  })

  it('bisects to the nearest centroid', () => {
    const c = [-1, 0, 2]
    expect([-5, -0.6, -0.4, 0.9, 1.1, 9].map((v) => nearestCentroid(c, v))).toEqual([0, 0, 1, 1, 2, 2])
  })
})

describe('clusterModel', () => {
  it('leaves at most 16 values per kernel and keeps biases exact', () => {
    const model = cnnModel()
    const { model: clustered, layers } = clusterModel(model, { clusters: 16 })
    expect(layers.map((l) => l.name)).toEqual(['conv1d_1', 'conv1d_2', 'dense_1', 'output'])
    for (const l of clustered.layers) if (l.type === 'dense' || l.type === 'conv1d') expect(uniqueValues(l.kernel)).toBeLessThanOrEqual(16)
    const a = model.layers[0]
    const b = clustered.layers[0]
    if (a.type !== 'conv1d' || b.type !== 'conv1d') throw new Error('fixture')
    expect(Array.from(b.bias!)).toEqual(Array.from(a.bias!))
  })

  it('keeps pruned zeros when asked to preserve sparsity', () => {
    const pruned = pruneByMagnitude(cnnModel(), 0.7)
    const { model } = clusterModel(pruned, { clusters: 8, preserveSparsity: true })
    expect(sparsityReport(model).zeros).toBe(sparsityReport(pruned).zeros)
  })

  it('snaps fine-tuned weights back to the mean of their cluster', () => {
    const w = Float32Array.from([1, 1.2, 3, 3.4, 0])
    const { weights, centroids } = snapToClusters(w, Int16Array.from([0, 0, 1, 1, -1]))
    expect(Array.from(centroids).map((c) => +c.toFixed(4))).toEqual([1.1, 3.2])
    expect(Array.from(weights).map((c) => +c.toFixed(4))).toEqual([1.1, 1.1, 3.2, 3.2, 0])
  })
})
