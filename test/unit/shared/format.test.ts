import { describe, expect, it } from 'vitest'
import { modelShapeText } from '../../../src/renderer/src/views/train/train-format'
import { formatBytes, formatHz, formatMicros, formatMicrosStep, formatMs, formatPercent, formatPoints, formatNoun, formatWindow, MISSING } from '../../../src/shared/format'

describe('the one number formatter', () => {
  it('shows a latency with the digits it means, in the unit that reads best', () => {
    // Optimize's estimate arrived as 1391.363 µs.
    expect(formatMicros(1391.363)).toBe('1.39 ms')
    expect(formatMs(1.391363)).toBe('1.39 ms')
    expect(formatMicros(180)).toBe('180 µs')
    expect(formatMicros(5)).toBe('5 µs')
    expect(formatMicros(12.34)).toBe('12.3 µs')
    expect(formatMs(0.4)).toBe('400 µs')
    expect(formatMs(250.4)).toBe('250 ms')
    expect(formatMs(75_000)).toBe('1 min 15 s')
    expect(formatMs(null)).toBe(MISSING)
  })

  it('gives one window the same length whether it is 999.6 ms, 1000 ms or 1.0 s', () => {
    expect(formatMs(999.6)).toBe('1 s')
    expect(formatMs(1000)).toBe('1 s')
    expect(formatWindow(50, 50)).toBe('1 s')
    expect(formatWindow(50, 50.02)).toBe('1 s')
    expect(formatWindow(119, 119)).toBe('1 s')
    expect(formatWindow(30, 19.8)).toBe('1.52 s')
    expect(formatWindow(30, null)).toBe('')
    // Just under a millisecond rounds up to the next unit instead of "1000 µs".
    expect(formatMs(0.9996)).toBe('1 ms')
  })

  it('labels histogram bins so that neighbouring bins read differently', () => {
    const labels = [12_170, 12_170.5, 12_171, 12_171.5].map((u) => formatMicrosStep(u, 0.5))
    expect(new Set(labels).size).toBe(4)
    expect(labels[0]).toBe('12.1700 ms')
    expect(formatMicrosStep(1200, 100)).toBe('1.2 ms')
    expect(formatMicrosStep(150, 10)).toBe('150 µs')
  })

  it('keeps units on bytes, percent, points and rates', () => {
    expect(formatBytes(900)).toBe('900 B')
    expect(formatBytes(8 * 1024)).toBe('8.0 KB')
    expect(formatPercent(0.934)).toBe('93.4 %')
    expect(formatPoints(-0.021)).toBe('−2.1 pt')
    expect(formatHz(50)).toBe('50 Hz')
    expect(formatHz(19.83)).toBe('19.8 Hz')
    expect(formatHz(119.4)).toBe('119 Hz')
  })
})

describe('the Train summary', () => {
  it('counts the classes the project has (one class is not "2 classes")', () => {
    expect(modelShapeText(50, 6, 1)).toBe('input 50 samples × 6 axes, 1 class (sized for 2 outputs until a second class has windows)')
    expect(modelShapeText(50, 6, 3)).toBe('input 50 samples × 6 axes, 3 classes')
  })

  it('says one of a thing in the singular ("1 model", not "1 models")', () => {
    expect(formatNoun(1, 'model')).toBe('1 model')
    expect(formatNoun(0, 'model')).toBe('0 models')
    expect(formatNoun(3, 'window file')).toBe('3 window files')
    expect(formatNoun(2, 'class', 'classes')).toBe('2 classes')
  })
})
