import type { SampleWindow } from '../../../shared/dataset'
import { writeNpy } from './npy'

/**
 * The dataset as the tutorials lay it out (data/<class>/<id>.npy, float32 (samples, axes)) and as
 * one CSV that parseLabelledCsv reads back: window, label, split, then one column per axis.
 */
export interface ExportFile {
  /** Relative path with forward slashes. */
  path: string
  bytes: Uint8Array
}

type ExportWindow = Pick<SampleWindow, 'id' | 'label' | 'split' | 'axes' | 'values'>

export function exportNpyTree(windows: ExportWindow[]): ExportFile[] {
  return windows.map((w) => ({ path: `data/${safeName(w.label)}/${safeName(w.id)}.npy`, bytes: writeNpy(w.values) }))
}

export function exportCsv(windows: ExportWindow[]): string {
  if (windows.length === 0) return 'window,label,split\n'
  const axes = windows[0].axes
  const parts = [['window', 'label', 'split', ...axes].join(',') + '\n']
  for (const w of windows) {
    const prefix = `${csvCell(w.id)},${csvCell(w.label)},${w.split},`
    for (const row of w.values) parts.push(prefix + row.join(',') + '\n')
  }
  return parts.join('')
}

/** A class or window name as a file name on every OS. */
export function safeName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const s = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').replace(/^\.+/, '_').trim()
  return s === '' ? '_' : s.slice(0, 100)
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}
