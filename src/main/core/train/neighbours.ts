/**
 * Nearest-neighbour classification on preprocessed windows: no training, so it is the yardstick a
 * trained model should beat on the same split, and a cheap way to compare preprocessing choices.
 * Windows are flat Float32Arrays of dim values each; distance is squared Euclidean.
 */

function squaredDistance(a: Float32Array, ai: number, b: Float32Array, bi: number, dim: number, stopAbove: number): number {
  let s = 0
  for (let d = 0; d < dim; d++) {
    const v = a[ai + d] - b[bi + d]
    s += v * v
    // Stopping once a window is already farther than the best so far keeps large sets quick.
    if (s > stopAbove) return s
  }
  return s
}

/** The class of the nearest reference window for every query window. */
export function nearestNeighbourPredict(refX: Float32Array, refY: number[], queryX: Float32Array, dim: number): number[] {
  const nRef = refY.length
  const nQuery = Math.floor(queryX.length / dim)
  const out: number[] = []
  for (let q = 0; q < nQuery; q++) {
    let best = Infinity
    let label = -1
    for (let r = 0; r < nRef; r++) {
      const d = squaredDistance(queryX, q * dim, refX, r * dim, dim, best)
      if (d < best) {
        best = d
        label = refY[r]
      }
    }
    out.push(label)
  }
  return out
}

/** Fraction of windows whose nearest other window has the same class (leave-one-out 1-NN). */
export function leaveOneOutAccuracy(x: Float32Array, y: number[], dim: number): number {
  let correct = 0
  for (let i = 0; i < y.length; i++) {
    let best = Infinity
    let label = -1
    for (let j = 0; j < y.length; j++) {
      if (j === i) continue
      const d = squaredDistance(x, i * dim, x, j * dim, dim, best)
      if (d < best) {
        best = d
        label = y[j]
      }
    }
    if (label === y[i]) correct++
  }
  return y.length ? correct / y.length : 0
}

/** The class whose mean window is nearest, for every query window. */
export function nearestClassMeanPredict(refX: Float32Array, refY: number[], queryX: Float32Array, dim: number, classes: number): number[] {
  const means = new Float32Array(classes * dim)
  const counts = new Array<number>(classes).fill(0)
  refY.forEach((c, i) => {
    counts[c]++
    for (let d = 0; d < dim; d++) means[c * dim + d] += refX[i * dim + d]
  })
  for (let c = 0; c < classes; c++) for (let d = 0; d < dim; d++) means[c * dim + d] /= counts[c] || 1
  const present = counts.map((n, c) => (n ? c : -1)).filter((c) => c >= 0)
  return nearestNeighbourPredict(
    Float32Array.from(present.flatMap((c) => Array.from(means.subarray(c * dim, (c + 1) * dim)))),
    present,
    queryX,
    dim
  )
}

export function accuracyOf(predicted: number[], labels: number[]): number {
  if (labels.length === 0) return 0
  return predicted.reduce((s, p, i) => s + (p === labels[i] ? 1 : 0), 0) / labels.length
}
