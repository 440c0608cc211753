import { describe, expect, it } from 'vitest'
import { classifyLine, LineParser, type Sample, type StreamItem } from '../../../../src/main/core/serial/line-parser'

function run(lines: string[], p = new LineParser()): { items: StreamItem[]; samples: Sample[]; p: LineParser } {
  const items: StreamItem[] = []
  for (const l of lines) p.push(l, items)
  const samples = items.flatMap((i) => (i.type === 'sample' ? [i.sample] : []))
  return { items, samples, p }
}

describe('classifyLine', () => {
  it('reads comma, tab, space, semicolon and key:value numbers', () => {
    expect(classifyLine('1,-2.5,3e2')).toEqual({ kind: 'numbers', values: [1, -2.5, 300], keys: null })
    expect(classifyLine('1\t2\t3')).toMatchObject({ values: [1, 2, 3] })
    expect(classifyLine('  1   2 3  ')).toMatchObject({ values: [1, 2, 3] })
    expect(classifyLine('1;2;3')).toMatchObject({ values: [1, 2, 3] })
    expect(classifyLine('aX:0.1,aY:0.2 aZ: 0.3')).toEqual({ kind: 'numbers', values: [0.1, 0.2, 0.3], keys: ['aX', 'aY', 'aZ'] })
    expect(classifyLine('a/g:\t1\t2\t3\t4\t5\t6')).toMatchObject({ kind: 'numbers', values: [1, 2, 3, 4, 5, 6], keys: null })
    expect(classifyLine('Acc 1 2 3')).toMatchObject({ kind: 'numbers', values: [1, 2, 3] })
  })

  it('tells headers, messages, NaN and noise apart', () => {
    expect(classifyLine('aX,aY,aZ,gX,gY,gZ')).toEqual({ kind: 'header', names: ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'] })
    expect(classifyLine('ax ay az')).toEqual({ kind: 'header', names: ['ax', 'ay', 'az'] })
    expect(classifyLine('IMU initialized')).toEqual({ kind: 'message' })
    expect(classifyLine('Failed to initialize IMU!')).toEqual({ kind: 'message' })
    expect(classifyLine('1,nan,3')).toEqual({ kind: 'nonFinite' })
    expect(classifyLine('1,inf,-inf')).toEqual({ kind: 'nonFinite' })
    expect(classifyLine('1,2x,3')).toEqual({ kind: 'garbled' })
    expect(classifyLine('\u0000\u00ff\u0013')).toEqual({ kind: 'garbled' })
    expect(classifyLine('1.2.3,4')).toEqual({ kind: 'garbled' })
    expect(classifyLine('0x1f,2')).toEqual({ kind: 'garbled' })
    expect(classifyLine('   ')).toEqual({ kind: 'blank' })
  })
})

describe('LineParser', () => {
  it('takes axes from an IMU_Capture header and turns blank lines into gaps', () => {
    const { items, samples, p } = run(['aX,aY,aZ,gX,gY,gZ', '1,2,3,4,5,6', '', '7,8,9,10,11,12'])
    expect(p.currentLayout).toEqual({ axes: ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'], columns: 6, timestamp: null, namesFrom: 'header' })
    expect(samples.map((s) => s.values[0])).toEqual([1, 7])
    expect(items.map((i) => i.type)).toEqual(['layout', 'gap', 'sample', 'gap', 'sample'])
  })

  it('detects column count without a header after a few consistent lines, dropping a cut first line', () => {
    const { samples, p } = run(['.3,4', '1,2,3', '4,5,6', '7,8,9', '10,11,12', '13,14'])
    expect(p.currentLayout?.axes).toEqual(['aX', 'aY', 'aZ'])
    expect(samples).toHaveLength(4)
    expect(p.stats.wrongColumns).toBe(2)
  })

  it('finds a millis() column by its rising integers, and a micros() one by its step', () => {
    const ms = run(['1000,0.1,0.2,0.3', '1020,0.1,0.2,0.3', '1040,0.1,0.2,0.3', '1060,0.1,0.2,0.3'])
    expect(ms.p.currentLayout).toMatchObject({ axes: ['aX', 'aY', 'aZ'], timestamp: 'ms' })
    expect(ms.samples.map((s) => s.t)).toEqual([1000, 1020, 1040, 1060])
    expect(ms.samples[0].values).toEqual([0.1, 0.2, 0.3])
    const us = run(['1000000,1,2,3', '1001000,1,2,3', '1002000,1,2,3', '1003000,1,2,3'])
    expect(us.p.currentLayout?.timestamp).toBe('us')
    expect(us.samples[1].t).toBe(1001)
  })

  it('names the timestamp unit from the header or the keys', () => {
    const h = run(['micros,aX,aY', '5,1,2'])
    expect(h.p.currentLayout).toMatchObject({ axes: ['aX', 'aY'], timestamp: 'us' })
    expect(h.samples[0]).toEqual({ values: [1, 2], t: 0.005 })
    const k = run(['t:10,x:1', 't:30,x:2', 't:50,x:3', 't:70,x:4'])
    expect(k.p.currentLayout).toMatchObject({ axes: ['x'], timestamp: 'ms', namesFrom: 'keys' })
  })

  it('does not take rising accelerometer values for a clock', () => {
    const { p } = run(['0.1,0.2,0.3', '0.2,0.2,0.3', '0.3,0.2,0.3', '0.4,0.2,0.3'])
    expect(p.currentLayout?.timestamp).toBeNull()
    const forced = run(['1,2', '3,4'], new LineParser({ timestamp: 'none', lockLines: 1 }))
    expect(forced.p.currentLayout?.timestamp).toBeNull()
  })

  it('counts garbage, NaN and wrong column counts without stopping', () => {
    const { samples, p } = run(['aX,aY,aZ', '1,2,3', '\u00ff\u00fe', '1,2', 'nan,1,2', '1,2,3,4', '4,5,6', 'Calibrating'])
    expect(samples).toHaveLength(2)
    expect(p.stats).toMatchObject({ garbled: 1, nonFinite: 1, wrongColumns: 2, messages: 1, samples: 2, lines: 8 })
  })

  it('treats a repeated header as a window boundary and a new header as a new layout', () => {
    const { items, p } = run(['aX,aY', '1,2', 'aX,aY', '3,4', 'x,y,z', '1,2,3'])
    expect(items.filter((i) => i.type === 'gap')).toHaveLength(3)
    expect(p.currentLayout?.axes).toEqual(['x', 'y', 'z'])
  })
})

describe('lines from the profile and classify firmware', () => {
  it('are recognised as firmware output, not garbled data at a wrong baud rate', () => {
    const p = new LineParser()
    const lines = [
      'runtime:microforge-c arena_used:2144 arena_size:2304 free_heap:-1 bytes',
      ...Array.from({ length: 12 }, (_, i) => `sensor:${180 + i} preprocess:210 inference:1200 output:5 us`),
      'label:punch index:0 scores:0.91,0.09'
    ]
    for (const l of lines) p.push(l)
    expect(p.stats.garbled).toBe(0)
    expect(p.stats.profile).toBe(14)
    expect(p.stats.samples).toBe(0)
  })

  it('still counts real noise as garbled', () => {
    const p = new LineParser()
    for (const l of ['\u0000\u0013x\u00ff', '12:3a:f', '#$%^&*']) p.push(l)
    expect(p.stats.profile).toBe(0)
    expect(p.stats.garbled).toBe(3)
  })
})
