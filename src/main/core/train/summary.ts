import { MicroforgeError } from '../../../shared/errors'
import { KERAS_CLASS, type LayerSpec, type LayerSummary, type ModelSpec, type ModelSummary, type SpecActivation } from '../../../shared/training'

/** A spec layer with its final name and the always-present softmax output appended. */
export type NamedLayer = (LayerSpec | { type: 'dense'; units: number; activation: SpecActivation | 'softmax' }) & { name: string }

const NAME_PREFIX: Record<LayerSpec['type'], string> = {
  conv1d: 'conv1d',
  depthwiseConv1d: 'depthwise_conv1d',
  maxPool1d: 'max_pooling1d',
  avgPool1d: 'average_pooling1d',
  globalAvgPool1d: 'global_average_pooling1d',
  flatten: 'flatten',
  dense: 'dense',
  dropout: 'dropout'
}

export function kerasClassName(type: LayerSpec['type']): string {
  return KERAS_CLASS[type]
}

/**
 * Names every layer the way Keras would (conv1d_1, dense_2, ...) and appends Dense(classes, softmax).
 * The summary, the tfjs model and the ModelIR all use these names, so a row in the UI, a weight in
 * weights.bin and a tensor in the firmware can be matched by name.
 */
export function resolveLayers(spec: ModelSpec, classes: number): NamedLayer[] {
  const counts = new Map<string, number>()
  const name = (type: LayerSpec['type']): string => {
    const n = (counts.get(type) ?? 0) + 1
    counts.set(type, n)
    return `${NAME_PREFIX[type]}_${n}`
  }
  const out: NamedLayer[] = spec.layers.map((l) => ({ ...l, name: name(l.type) }))
  out.push({ type: 'dense', units: classes, activation: 'softmax', name: 'output' })
  return out
}

function convLength(inLen: number, kernel: number, strides: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(inLen / strides) : Math.floor((inLen - kernel) / strides) + 1
}

function badShape(layer: string, why: string): MicroforgeError {
  return new MicroforgeError('INVALID_ARGUMENT', `Layer ${layer} does not fit: ${why}.`, 'Use a smaller kernel or pool size, remove a pooling layer, or record longer windows.')
}

/**
 * Output shapes, parameters and multiply-accumulates per layer, computed from the spec alone (no
 * tfjs), so the UI can show them live while the user edits widths and kernel sizes.
 * MACs count one multiply-add per weight use in a forward pass of one window; pooling counts 0.
 */
export function summarizeSpec(spec: ModelSpec, inputShape: number[], classes: number): ModelSummary {
  if (classes < 2) throw new MicroforgeError('INVALID_ARGUMENT', 'A classifier needs at least two classes.', 'Record windows for a second gesture first.')
  let shape = [...inputShape]
  const rows: LayerSummary[] = []
  for (const l of resolveLayers(spec, classes)) {
    let params = 0
    let macs = 0
    const seq = (): [number, number] => {
      if (shape.length !== 2) throw badShape(l.name, 'it needs a sequence input (put it before Flatten)')
      return [shape[0], shape[1]]
    }
    switch (l.type) {
      case 'conv1d': {
        const [len, ch] = seq()
        const outLen = convLength(len, l.kernelSize, l.strides ?? 1, l.padding ?? 'valid')
        if (outLen < 1) throw badShape(l.name, `kernel ${l.kernelSize} is longer than its input (${len} steps)`)
        params = l.kernelSize * ch * l.filters + l.filters
        macs = outLen * l.filters * l.kernelSize * ch
        shape = [outLen, l.filters]
        break
      }
      case 'depthwiseConv1d': {
        const [len, ch] = seq()
        const m = l.depthMultiplier ?? 1
        const outLen = convLength(len, l.kernelSize, l.strides ?? 1, l.padding ?? 'valid')
        if (outLen < 1) throw badShape(l.name, `kernel ${l.kernelSize} is longer than its input (${len} steps)`)
        params = l.kernelSize * ch * m + ch * m
        macs = outLen * ch * m * l.kernelSize
        shape = [outLen, ch * m]
        break
      }
      case 'maxPool1d':
      case 'avgPool1d': {
        const [len, ch] = seq()
        const outLen = Math.floor((len - l.poolSize) / l.poolSize) + 1
        if (outLen < 1) throw badShape(l.name, `pool size ${l.poolSize} is longer than its input (${len} steps)`)
        shape = [outLen, ch]
        break
      }
      case 'globalAvgPool1d': {
        const [, ch] = seq()
        shape = [ch]
        break
      }
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)]
        break
      case 'dense': {
        // Keras applies Dense to the last axis; the presets flatten first, as firmware expects.
        const inUnits = shape[shape.length - 1]
        params = inUnits * l.units + l.units
        macs = (shape.length === 2 ? shape[0] : 1) * inUnits * l.units
        shape = [...shape.slice(0, -1), l.units]
        break
      }
      case 'dropout':
        break
    }
    rows.push({ name: l.name, kind: KERAS_CLASS[l.type], outputShape: [...shape], params, macs })
  }
  if (shape.length !== 1) throw new MicroforgeError('INVALID_ARGUMENT', 'The model must end in a flat vector before the output layer.', 'Add a Flatten or Global average pooling layer before the dense layers.')
  const totalParams = rows.reduce((a, r) => a + r.params, 0)
  const totalMacs = rows.reduce((a, r) => a + r.macs, 0)
  const summary: ModelSummary = { inputShape: [...inputShape], classes, layers: rows, totalParams, totalMacs, float32Bytes: totalParams * 4, text: '' }
  summary.text = formatSummary(summary)
  return summary
}

const fmt = (n: number): string => n.toLocaleString('en-US')

export function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(2)} KB`
}

/** The table Keras prints for model.summary(), plus a MACs column. */
export function formatSummary(s: ModelSummary): string {
  const head = ['Layer (type)', 'Output Shape', 'Param #', 'MACs']
  const rows = s.layers.map((r) => [`${r.name} (${r.kind})`, `(None, ${r.outputShape.join(', ')})`, fmt(r.params), fmt(r.macs)])
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 3)
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('').trimEnd()
  const rule = (ch: string): string => ch.repeat(w.reduce((a, b) => a + b, 0))
  return [
    `Input: (None, ${s.inputShape.join(', ')})`,
    rule('_'),
    line(head),
    rule('='),
    ...rows.map(line),
    rule('='),
    `Total params: ${fmt(s.totalParams)} (${formatBytes(s.float32Bytes)} as float32)`,
    `Total MACs per window: ${fmt(s.totalMacs)}`
  ].join('\n')
}
