/** Texts of the Train step's model summary. */
import { formatNoun } from '../../../../shared/format'

/**
 * The input and output of the model as the user's dataset makes them. With fewer than two classes
 * the model is still sized for two outputs (softmax needs two), and the text says so instead of
 * claiming classes the project does not have.
 */
export function modelShapeText(samples: number, axes: number, classes: number): string {
  const cls = formatNoun(classes, 'class', 'classes')
  const note = classes < 2 ? ' (sized for 2 outputs until a second class has windows)' : ''
  return `input ${samples} samples × ${axes} axes, ${cls}${note}`
}

/** A plain copy (structuredClone cannot copy Vue's reactive proxies). */
export function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T
}
