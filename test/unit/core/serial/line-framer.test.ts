import { describe, expect, it } from 'vitest'
import { LineFramer, MAX_LINE_BYTES } from '../../../../src/main/core/serial/line-framer'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('LineFramer', () => {
  it('splits LF, CRLF and lone CR, across chunk boundaries', () => {
    const f = new LineFramer()
    expect(f.push(enc('1,2\r'))).toEqual(['1,2'])
    expect(f.push(enc('\n3,4\n5,'))).toEqual(['3,4'])
    expect(f.push(enc('6\r7\r\n\r\n'))).toEqual(['5,6', '7', ''])
    expect(f.stats.lines).toBe(5)
    expect(f.pending).toBe(0)
  })

  it('drops a line over 4 KB up to its end, counts it, and keeps going', () => {
    const f = new LineFramer()
    const long = 'x'.repeat(MAX_LINE_BYTES + 10)
    expect(f.push(enc(`a\n${long.slice(0, 3000)}`))).toEqual(['a'])
    expect(f.push(enc(`${long.slice(3000)}\nb\n`))).toEqual(['b'])
    expect(f.stats.overlong).toBe(1)
    expect(f.push(enc('y'.repeat(MAX_LINE_BYTES) + '\n'))).toEqual(['y'.repeat(MAX_LINE_BYTES)])
  })

  it('decodes UTF-8 split across chunks', () => {
    const f = new LineFramer()
    const b = enc('µs\n')
    expect(f.push(b.subarray(0, 1))).toEqual([])
    expect(f.push(b.subarray(1))).toEqual(['µs'])
  })
})
