import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseImuCaptureCsv } from '../../src/main/core/dataset/imu-capture-csv'
import { applyPreprocessing, fitPreprocessing } from '../../src/main/core/train/preprocess'
import { stratifiedSplit } from '../../src/main/core/train/rng'
import type { WindowSet } from '../../src/main/core/train/train-loop'
import { PUNCH_FLEX_DIR } from './fixtures'

/**
 * The real MPU6050 punch/flex recordings as preprocessed train and test sets (fixed-range
 * scaling, stratified 25% test split, seeded), for the optimization tests and benchmark.
 */
export interface GestureData {
  classes: string[]
  axes: string[]
  inputShape: [number, number]
  train: WindowSet
  test: WindowSet
}

export const GESTURE_DATASET = PUNCH_FLEX_DIR

export function loadGestureData(seed = 7, testFraction = 0.25): GestureData {
  const classes = ['punch', 'flex']
  const windows: number[][][] = []
  const labels: string[] = []
  let axes: string[] = []
  for (const c of classes) {
    const csv = parseImuCaptureCsv(readFileSync(path.join(GESTURE_DATASET, `${c}.csv`), 'utf8'))
    axes = csv.axes
    for (const w of csv.windows) {
      windows.push(w)
      labels.push(c)
    }
  }
  const { keep, held } = stratifiedSplit(labels, testFraction, seed)
  const length = Math.max(...windows.map((w) => w.length))
  const prep = fitPreprocessing({ method: 'fixed-range' }, axes, keep.map((i) => windows[i]), length)
  const set = (idx: number[]): WindowSet => ({
    x: applyPreprocessing(prep, axes, idx.map((i) => windows[i])),
    y: idx.map((i) => classes.indexOf(labels[i])),
    ids: idx.map((i) => `w${i}`)
  })
  return { classes, axes, inputShape: [length, axes.length], train: set(keep), test: set(held) }
}
