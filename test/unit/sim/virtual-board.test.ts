import { describe, expect, it } from 'vitest'
import { parseImuCaptureCsv } from '../../../src/main/core/dataset/imu-capture-csv'
import { LineParser, type StreamItem } from '../../../src/main/core/serial/line-parser'
import { mulberry32 } from '../../../src/main/core/util/random'
import { perform, sampleAt, shapeFor } from '../../../src/main/sim/gestures'
import { VirtualBoard } from '../../../src/main/sim/virtual-board'

const lines = (b: VirtualBoard, ticks: number): string[] => Array.from({ length: ticks }, () => b.next()).flat()

describe('VirtualBoard', () => {
  it('imu-capture: header, then blocks of exactly N samples separated by blank lines', () => {
    const b = new VirtualBoard({ rateHz: 100, classes: ['wave', 'punch', 'flex'], format: 'imu-capture', samplesPerGesture: 40 })
    const text = lines(b, 100 * 30).join('\n')
    const r = parseImuCaptureCsv(text)
    expect(r.axes).toEqual(['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'])
    const complete = r.windows.slice(0, -1)
    expect(complete.length).toBeGreaterThan(9)
    expect(complete.every((w) => w.length === 40)).toBe(true)
  })

  it('makes gestures that differ per class and between performances', () => {
    const b = new VirtualBoard({ rateHz: 50, classes: ['wave', 'punch', 'flex'], format: 'imu-capture', samplesPerGesture: 50, seed: 3 })
    const windows = parseImuCaptureCsv(lines(b, 50 * 60).join('\n')).windows.filter((w) => w.length === 50)
    const peak = (w: number[][], a: number): number => Math.max(...w.map((s) => Math.abs(s[a])))
    const [wave, punch, flex] = windows
    // wave swings aX and turns about Z, punch drives aY, flex turns about X.
    expect(peak(wave, 0)).toBeGreaterThan(0.8)
    expect(peak(wave, 5)).toBeGreaterThan(150)
    expect(peak(punch, 1)).toBeGreaterThan(1.5)
    expect(peak(flex, 3)).toBeGreaterThan(100)
    expect(peak(flex, 5)).toBeLessThan(20)
    expect(windows[3]).not.toEqual(wave)
    expect(Math.abs(peak(windows[3], 0) - peak(wave, 0))).toBeGreaterThan(0.001)
  })

  it('csv: a continuous stream the parser reads, with a millis() column when asked', () => {
    const b = new VirtualBoard({ rateHz: 200, classes: ['shake', 'my-own-gesture'], format: 'csv', timestamp: true })
    const p = new LineParser()
    const items: StreamItem[] = []
    for (const l of lines(b, 2000)) p.push(l, items)
    expect(p.currentLayout).toMatchObject({ timestamp: 'ms', axes: ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'] })
    expect(p.stats.samples).toBe(2000)
    expect(p.stats.garbled + p.stats.wrongColumns).toBe(0)
  })
  it('follow(label): performs only that gesture, mostly in motion, then goes back to every class in turn', () => {
    const b = new VirtualBoard({ rateHz: 50, classes: ['wave', 'punch', 'flex'], format: 'csv', seed: 5 })
    const classesSeen = (ticks: number): { classes: Set<string>; moving: number } => {
      const classes = new Set<string>()
      let moving = 0
      for (let i = 0; i < ticks; i++) {
        b.next()
        if (b.currentClass) {
          classes.add(b.currentClass)
          moving++
        }
      }
      return { classes, moving }
    }
    expect(classesSeen(50 * 20).classes).toEqual(new Set(['wave', 'punch', 'flex']))
    b.follow('punch')
    classesSeen(50 * 2) // the gesture in progress ends first
    const asked = classesSeen(50 * 20)
    expect(asked.classes).toEqual(new Set(['punch']))
    // Short rests while following: most of the time is the gesture itself.
    expect(asked.moving / (50 * 20)).toBeGreaterThan(0.6)
    b.follow('kick')
    classesSeen(50 * 2)
    expect(classesSeen(50 * 10).classes).toEqual(new Set(['kick']))
    b.follow(null)
    classesSeen(50 * 2)
    expect(classesSeen(50 * 20).classes.size).toBeGreaterThan(1)
  })
  it('every known gesture, weak or strong, crosses the IMU_Capture motion threshold (2.5 g summed)', () => {
    const rand = mulberry32(11)
    for (const name of ['wave', 'punch', 'flex', 'circle', 'shake']) {
      for (let i = 0; i < 40; i++) {
        const perf = perform(shapeFor(name), rand)
        let peakSum = 0
        for (let t = 0; t <= perf.seconds; t += 0.005) {
          const v = sampleAt(perf, t, rand)
          peakSum = Math.max(peakSum, Math.abs(v[0]) + Math.abs(v[1]) + Math.abs(v[2]))
        }
        expect(peakSum, `${name} at strength ${perf.strength.toFixed(2)}`).toBeGreaterThan(2.6)
      }
    }
  })
})
