import type { ClassMetrics, EvaluationResult, Misclassified } from '../../../shared/training'

/**
 * Accuracy, confusion matrix and per-class precision/recall from softmax outputs. probs is
 * [windows, classes] flat; labels are class indices.
 */
export function evaluatePredictions(probs: Float32Array, labels: number[], classes: string[], ids: string[], loss: number): EvaluationResult {
  const k = classes.length
  const confusion = classes.map(() => classes.map(() => 0))
  const misclassified: Misclassified[] = []
  let correct = 0
  labels.forEach((y, i) => {
    let best = 0
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c
    confusion[y][best]++
    if (best === y) correct++
    else misclassified.push({ id: ids[i], label: classes[y], predicted: classes[best], confidence: probs[i * k + best] })
  })
  const perClass: ClassMetrics[] = classes.map((label, c) => {
    const tp = confusion[c][c]
    const predicted = confusion.reduce((a, row) => a + row[c], 0)
    const support = confusion[c].reduce((a, b) => a + b, 0)
    // No predictions (or no windows) of a class: report 0 rather than NaN, which JSON cannot carry.
    return { label, precision: predicted ? tp / predicted : 0, recall: support ? tp / support : 0, support }
  })
  return { accuracy: labels.length ? correct / labels.length : 0, loss, confusion, classes: [...classes], perClass, misclassified, windows: labels.length }
}
