import { describe, expect, it } from 'vitest'
import { compareSessions } from '../../../../src/main/core/profile/compare'
import { profileCsv } from '../../../../src/main/core/profile/profile-csv'
import { ProfileRecorder } from '../../../../src/main/core/profile/profile-recorder'
import { profileStats } from '../../../../src/main/core/profile/stage-stats'
import type { ProfileSample } from '../../../../src/shared/contract/profile'

const series = (inference: number, n = 5): ProfileSample[] =>
  Array.from({ length: n }, (_, i) => ({ t: i * 100, stages: { sensor: 180, preprocess: 210, inference: inference + (i - 2) * 10, output: 5 } }))

describe('comparison of sessions', () => {
  it('renders the benchmark table as Markdown, baseline first', () => {
    const mk = (id: string, name: string, inference: number, arena: number, est?: number) => ({
      id,
      name,
      origin: 'board' as const,
      inferences: 5,
      stats: profileStats(series(inference)),
      memory: { arenaUsed: arena, freeHeap: 200_000 },
      ...(est ? { estimatedInferenceUs: est } : {})
    })
    const c = compareSessions([mk('a', 'Float32', 3000, 12 * 1024, 2500), mk('b', 'Int8 PTQ', 800, 4 * 1024, 1000), mk('c', 'Int8 QAT', 800, 4 * 1024)])
    expect(c.columns.map((x) => x.name)).toEqual(['Float32', 'Int8 PTQ', 'Int8 QAT'])
    expect(c.markdown).toBe(
      [
        '| Metric | Float32 | Int8 PTQ | Int8 QAT |',
        '| --- | ---: | ---: | ---: |',
        '| Timing | board | board | board |',
        '| Sensor read (median) | 180 µs | 180 µs | 180 µs |',
        '| Preprocess (median) | 210 µs | 210 µs | 210 µs |',
        '| Inference (median) | 3 ms | 800 µs | 800 µs |',
        '| Output (median) | 5 µs | 5 µs | 5 µs |',
        '| Inference (p95) | 3.02 ms | 818 µs | 818 µs |',
        '| Total per inference (median) | 3.4 ms | 1.2 ms | 1.2 ms |',
        '| Inference speed-up | 1.00× | 3.75× | 3.75× |',
        '| Tensor arena used | 12.0 KB | 4.0 KB | 4.0 KB |',
        '| Free memory at start | 195.3 KB | 195.3 KB | 195.3 KB |',
        '| Inferences measured | 5 | 5 | 5 |',
        '| Estimated inference | 2.5 ms | 1 ms | — |',
        '| Measured / estimated | 1.20× | 0.80× | — |',
        ''
      ].join('\n')
    )
  })

  it('adds the model size and test accuracy of sessions that name an Optimize variant', () => {
    const base = { origin: 'board' as const, inferences: 3, stats: profileStats(series(800, 3)), memory: {} }
    const c = compareSessions([
      { ...base, id: 'a', name: 'Int8 PTQ', model: { tfliteBytes: 8 * 1024, accuracy: 0.932 } },
      { ...base, id: 'b', name: 'Int8 QAT', model: { tfliteBytes: 8 * 1024, accuracy: 0.95 } },
      { ...base, id: 'c', name: 'unknown' }
    ])
    expect(c.rows.find((r) => r.metric === '.tflite file size')?.values).toEqual(['8.0 KB', '8.0 KB', '—'])
    expect(c.rows.find((r) => r.metric === 'Test accuracy')?.values).toEqual(['93.2 %', '95.0 %', '—'])
  })

  it('gives no speed-up between timings of different origins (this PC against an emulated chip)', () => {
    const mk = (id: string, origin: 'host' | 'emulator' | 'board', inference: number) => ({ id, name: id, origin, inferences: 5, stats: profileStats(series(inference)), memory: {} })
    const c = compareSessions([mk('pc', 'host', 60), mk('m4', 'emulator', 12_000), mk('m4b', 'emulator', 6000)])
    expect(c.rows.find((r) => r.metric === 'Inference speed-up')?.values).toEqual(['1.00×', 'not comparable (emulator vs host)', 'not comparable (emulator vs host)'])
    const same = compareSessions([mk('m4', 'emulator', 12_000), mk('m4b', 'emulator', 6000)])
    expect(same.rows.find((r) => r.metric === 'Inference speed-up')?.values).toEqual(['1.00×', '2.00×'])
  })

  it('escapes pipes in names', () => {
    const c = compareSessions([{ id: 'a', name: 'a|b', origin: 'host', inferences: 0, stats: profileStats([]), memory: {} }])
    expect(c.markdown.split('\n')[0]).toBe('| Metric | a\\|b |')
    expect(c.rows[0]).toEqual({ metric: 'Timing', values: ['host (this computer)'] })
  })
})

describe('CSV export', () => {
  it('writes one row per inference with units in the header', () => {
    const csv = profileCsv([
      { t: 0, stages: { inference: 1200, sensor: 180 } },
      { t: 12.5, stages: { sensor: 181, preprocess: 0.1 + 0.2, inference: 1190 } }
    ])
    expect(csv).toBe('index,time_ms,sensor_us,preprocess_us,inference_us,total_us\n0,0,180,,1200,1380\n1,12.5,181,0.3,1190,1371.3\n')
  })
})

describe('ProfileRecorder', () => {
  it('collects inferences, memory, classifications and counts from a messy stream', () => {
    const r = new ProfileRecorder()
    const lines = [
      '\x00\x7f\x13',
      'Microforge profile firmware',
      'arena_used:2192 free_heap:123456',
      'Arena used: 2192 / 4096 bytes',
      'sensor:180 preprocess:210 inference:1200 output:5 us',
      'label:wave index:0',
      '',
      'sensor:18',
      'sensor:170 preprocess:200 inference:1210 output:6 µs'
    ]
    lines.forEach((l, i) => r.push(l, i * 10))
    expect(r.counts).toEqual({ lines: 9, timing: 3, memory: 2, classification: 1, text: 1, blank: 1, garbage: 1 })
    expect(r.memory).toEqual({ arenaUsed: 2192, arenaSize: 4096, freeHeap: 123456 })
    expect(r.samples.map((s) => s.t)).toEqual([40, 70, 80])
    expect(r.lastClassification).toEqual({ t: 50, label: 'wave', index: 0, raw: 'label:wave index:0' })
    expect(r.takeNew()).toHaveLength(3)
    r.push('inference:1', 100)
    expect(r.takeNew()).toEqual([{ t: 100, stages: { inference: 1 } }])
    expect(r.takeNew()).toEqual([])
    expect(r.recentText).toEqual(['Microforge profile firmware'])
  })
})
