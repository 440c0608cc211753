import { describe, expect, it } from 'vitest'
import { firmwareBoardInfo } from '../../../src/main/services/sim-service'

/** startFirmware reports a board built for this computer and one run in QEMU through one builder. */
describe('firmwareBoardInfo', () => {
  const build = { mode: 'profile' as const, description: 'hello_int8 (C runtime)' }

  it('a host board: its pacing rate, host timings, and the dataset windows it reads', () => {
    expect(firmwareBoardInfo({ link: '/tmp/b1', firmwareDir: '/p/firmware/fw', build, runtime: 'c', windowIds: ['w1', 'w2'] }, 'host', 20)).toEqual({
      path: '/tmp/b1',
      rateHz: 20,
      classes: [],
      format: 'firmware',
      firmwareDir: '/p/firmware/fw',
      firmwareMode: 'profile',
      runtime: 'c',
      engine: 'host',
      host: 'hello_int8 (C runtime) (host timings)',
      windows: 'dataset',
      windowIds: ['w1', 'w2'],
      linesWritten: 0,
      linesDropped: 0
    })
  })

  it('a QEMU board: as fast as its instructions allow, instruction counts, synthetic windows without ids, no runtime when unknown', () => {
    expect(firmwareBoardInfo({ link: '/tmp/b2', firmwareDir: '/fw', build: { ...build, mode: 'classify' }, runtime: undefined }, 'qemu', 0)).toEqual({
      path: '/tmp/b2',
      rateHz: 0,
      classes: [],
      format: 'firmware',
      firmwareDir: '/fw',
      firmwareMode: 'classify',
      engine: 'qemu',
      host: 'hello_int8 (C runtime) (QEMU instruction counts)',
      windows: 'synthetic',
      linesWritten: 0,
      linesDropped: 0
    })
  })
})
