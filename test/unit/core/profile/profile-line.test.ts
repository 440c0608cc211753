import { describe, expect, it } from 'vitest'
import { normalizeMicro, parseProfileLine } from '../../../../src/main/core/profile/profile-line'

describe('parseProfileLine', () => {
  it('reads the lessons profile.ino line with µs in every spelling', () => {
    const expected = { kind: 'timing', stages: { sensor: 180, preprocess: 210, inference: 1200, output: 5 }, memory: {} }
    expect(parseProfileLine('sensor:180 preprocess:210 inference:1200 output:5 us')).toEqual(expected)
    expect(parseProfileLine('sensor:180 preprocess:210 inference:1200 output:5 µs\r\n')).toEqual(expected)
    expect(parseProfileLine('sensor:180 preprocess:210 inference:1200 output:5 μs')).toEqual(expected)
    // UTF-8 µ decoded as Latin-1, and as an invalid byte.
    expect(parseProfileLine('sensor:180 preprocess:210 inference:1200 output:5 Âµs')).toEqual(expected)
    expect(parseProfileLine('sensor:180 preprocess:210 inference:1200 output:5 \uFFFDs')).toEqual(expected)
    // No unit at all: micros() is what sketches print.
    expect(parseProfileLine('sensor:180 preprocess:210 inference:1200 output:5')).toEqual(expected)
  })

  it('takes any order, any subset, spaces, = and per-value units', () => {
    expect(parseProfileLine('inference=1.2ms sensor=0.18ms')).toEqual({ kind: 'timing', stages: { inference: 1200, sensor: 180 }, memory: {} })
    expect(parseProfileLine('inference: 1.2 ms, preprocess: 210 us')).toEqual({ kind: 'timing', stages: { inference: 1200, preprocess: 210 }, memory: {} })
    expect(parseProfileLine('inference:812')).toEqual({ kind: 'timing', stages: { inference: 812 }, memory: {} })
    expect(parseProfileLine('read:100 invoke:900 post:4 us')).toEqual({ kind: 'timing', stages: { sensor: 100, inference: 900, output: 4 }, memory: {} })
    expect(parseProfileLine('fft:320 inference:900 ms')).toEqual({ kind: 'timing', stages: { fft: 320_000, inference: 900_000 }, memory: {} })
  })

  it('separates memory from timings, in key:value and in sentences', () => {
    expect(parseProfileLine('arena_used:2192 free_heap:123456')).toEqual({ kind: 'memory', memory: { arenaUsed: 2192, freeHeap: 123456 } })
    expect(parseProfileLine('arena used: 2192 bytes')).toEqual({ kind: 'memory', memory: { arenaUsed: 2192 } })
    expect(parseProfileLine('I (312) benchmark: Arena used: 2192 / 32768 bytes')).toEqual({ kind: 'memory', memory: { arenaUsed: 2192, arenaSize: 32768 } })
    expect(parseProfileLine('Free heap: 123456 bytes')).toEqual({ kind: 'memory', memory: { freeHeap: 123456 } })
    expect(parseProfileLine('free memory: 12 KB')).toEqual({ kind: 'memory', memory: { freeHeap: 12 * 1024 } })
    expect(parseProfileLine('sensor:180 inference:1200 us arena_used:2192')).toEqual({
      kind: 'timing',
      stages: { sensor: 180, inference: 1200 },
      memory: { arenaUsed: 2192 }
    })
    // What Deploy's profile firmware prints at start (free_heap:-1 when the core cannot tell).
    expect(parseProfileLine('runtime:microforge-c arena_used:2192 arena_size:2720 free_heap:-1 bytes')).toEqual({ kind: 'memory', memory: { arenaUsed: 2192, arenaSize: 2720 } })
    expect(parseProfileLine('sensor:350 preprocess:120 inference:1500 output:40 ns')).toEqual({ kind: 'timing', stages: { sensor: 0.35, preprocess: 0.12, inference: 1.5, output: 0.04 }, memory: {} })
    expect(parseProfileLine('label:sine index:0 scores:0.996 window:3')).toEqual({ kind: 'classification', label: 'sine', index: 0, window: 3, scores: [0.996] })
    expect(parseProfileLine('status:ready mode:profile')).toEqual({ kind: 'text', text: 'status:ready mode:profile' })
    expect(parseProfileLine('stack_free:1024 bytes')).toEqual({ kind: 'memory', memory: { other: { stack_free: 1024 } } })
  })

  it('reads classification lines', () => {
    expect(parseProfileLine('label:wave index:0')).toEqual({ kind: 'classification', label: 'wave', index: 0 })
    expect(parseProfileLine('prediction: punch')).toEqual({ kind: 'classification', label: 'punch' })
    expect(parseProfileLine('window:3 label:wave index:0 scores:-128,127,-128')).toEqual({ kind: 'classification', label: 'wave', index: 0, window: 3, scores: [-128, 127, -128] })
    expect(parseProfileLine('window:3 label:wave index:1 scores:0.25,0.75')).toMatchObject({ scores: [0.25, 0.75] })
  })

  it('calls words text and noise garbage', () => {
    expect(parseProfileLine('')).toEqual({ kind: 'blank' })
    expect(parseProfileLine('   \r')).toEqual({ kind: 'blank' })
    expect(parseProfileLine('Microforge profile firmware ready')).toEqual({ kind: 'text', text: 'Microforge profile firmware ready' })
    expect(parseProfileLine('\x00\x13\xff~~x')).toEqual({ kind: 'garbage' })
    expect(parseProfileLine('sensor:18x0 inference:1200')).toEqual({ kind: 'garbage' })
    expect(parseProfileLine('sensor:-5 inference:1200')).toEqual({ kind: 'garbage' })
    expect(parseProfileLine('sensor:NaN inference:1200')).toEqual({ kind: 'garbage' })
    expect(parseProfileLine('inference:12 parsecs')).toEqual({ kind: 'timing', stages: { inference: 12 }, memory: {} })
    expect(parseProfileLine('inference:12furlongs')).toEqual({ kind: 'garbage' })
    // A line whose start was lost when the port opened mid-line.
    expect(parseProfileLine('ensor:170625 preprocess:98750 inference:6586875 output:625 ns')).toEqual({ kind: 'garbage' })
    expect(parseProfileLine('r:17 inference:12 us')).toEqual({ kind: 'garbage' })
    expect(parseProfileLine('ÿþ~}|{zyx')).toEqual({ kind: 'garbage' })
    // Capture data is not timing data.
    expect(parseProfileLine('aX:0.12 aY:-0.5 aZ:0.98')).toMatchObject({ kind: 'text' })
  })

  it('normalizes the micro sign only before s', () => {
    expect(normalizeMicro('5 µs µ')).toBe('5 us µ')
  })
})
