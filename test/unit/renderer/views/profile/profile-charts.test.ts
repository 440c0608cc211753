import { describe, expect, it } from 'vitest'
import { histogram } from '../../../../../src/main/core/profile/stage-stats'
import { histogramCategories } from '../../../../../src/renderer/src/views/profile/chart-options'

describe('Profile histogram labels', () => {
  it('gives the emulator bins distinct labels (QEMU timings all within 12.17-12.18 ms)', () => {
    const values = Array.from({ length: 200 }, (_, i) => 12_170 + (i % 9) * 1.1)
    const h = histogram(Float64Array.from(values).sort())
    const { labels, counts } = histogramCategories(h)
    expect(labels.length).toBeGreaterThan(1)
    expect(new Set(labels).size).toBe(labels.length)
    expect(labels.every((l) => l.endsWith(' ms'))).toBe(true)
    expect(counts.reduce((a, b) => a + b, 0)).toBe(200)
  })

  it('shows the outliers as their own bars at the ends, named by the range edge', () => {
    const values = [...Array.from({ length: 100 }, (_, i) => 1000 + (i % 10) * 10), 30_000]
    const { labels, counts } = histogramCategories(histogram(Float64Array.from(values).sort()))
    expect(labels.at(-1)).toMatch(/^> 1\.\d+ ms$/)
    expect(counts.at(-1)).toBe(1)
    expect(counts.reduce((a, b) => a + b, 0)).toBe(101)
  })
})
