/**
 * Issue #17, problem 5: values of +-1.7e308 imported, and training then saved 256 NaN weights.
 * Now an import names the line with a value beyond MAX_SAMPLE_MAGNITUDE, and a model with a
 * non-finite weight is refused while the previous model stays.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseImuCaptureCsv } from '../../../src/main/core/dataset/imu-capture-csv'
import { parseLabelledCsv } from '../../../src/main/core/dataset/labelled-csv'
import { readNpy } from '../../../src/main/core/dataset/npy'
import { EventBus } from '../../../src/main/services/event-bus'
import { JobService } from '../../../src/main/services/job-service'
import { ProjectService } from '../../../src/main/services/project-service'
import { TrainingService } from '../../../src/main/services/training-service'
import type { TrainWorkerResult } from '../../../src/main/workers/train-protocol'
import type { TrainResult } from '../../../src/shared/training'
import { tempDir } from '../../helpers/tmp'

function npy(values: number[]): Uint8Array {
  const header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${values.length}, 1), }`
  const pad = 16 - ((10 + header.length + 1) % 16)
  const h = `${header}${' '.repeat(pad)}\n`
  const out = new Uint8Array(10 + h.length + values.length * 8)
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, h.length & 0xff, h.length >> 8], 0)
  out.set(new TextEncoder().encode(h), 10)
  new Float64Array(out.buffer, 10 + h.length).set(values)
  return out
}

describe('finite numbers only', () => {
  it('imports refuse +-1.7e308 and name the line', () => {
    expect(() => parseLabelledCsv('aX,aY\n1,2\n3,1.7e308\n', { label: 'x', name: 'big.csv' })).toThrow(/Line 3 of big\.csv, column 2: a value beyond \+-1e\+6/)
    expect(() => parseLabelledCsv('aX,aY\n1,2\n-1.7e308,1\n', { label: 'x', name: 'big.csv' })).toThrow(/Line 3/)
    expect(() => parseImuCaptureCsv('aX,aY\n1,2\n-1.7e308,2\n')).toThrow(/Line 3: a value beyond/)
    expect(() => readNpy(npy([1, 2, 1.7e308]), 'w.npy')).toThrow(/w\.npy, value 2/)
    // Real IMU ranges pass: raw 16-bit counts and degrees per second.
    expect(parseLabelledCsv('aX,gX\n-32768,4000\n32767,-4000\n', { label: 'x', name: 'ok.csv' }).windows).toHaveLength(1)
  })

  describe('training', () => {
    let tmp: ReturnType<typeof tempDir>
    beforeEach(() => {
      tmp = tempDir()
    })
    afterEach(() => tmp.cleanup())

    it('a non-finite weight fails clearly and keeps the previous model', async () => {
      const projects = new ProjectService(join(tmp.dir, 'home'))
      const dir = join(tmp.dir, 'p')
      await projects.create(dir, 'P')
      const modelDir = join(dir, 'models', 'float')
      mkdirSync(modelDir, { recursive: true })
      writeFileSync(join(modelDir, 'model.json'), '{"previous":true}')
      writeFileSync(join(modelDir, 'weights.bin'), new Uint8Array(8))
      const svc = new TrainingService(new JobService(new EventBus()), projects)
      const weights = new Float32Array([0.5, Number.NaN, 1])
      const out = { modelJson: { modelTopology: {}, weightsManifest: [] }, weights: weights.buffer } as unknown as TrainWorkerResult
      const result = { classes: ['a'], preprocessing: { windowLength: 1, axes: ['aX'] }, options: {} } as unknown as TrainResult
      await expect(svc.save(dir, out, result)).rejects.toMatchObject({ code: 'MODEL_ERROR', message: expect.stringContaining('weight 1 is NaN') })
      expect(readFileSync(join(modelDir, 'model.json'), 'utf8')).toBe('{"previous":true}')
      expect(readFileSync(join(modelDir, 'weights.bin')).byteLength).toBe(8)
    })
  })
})
