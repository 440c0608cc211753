import { createReadStream, existsSync } from 'node:fs'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { SimService } from '../../src/main/services/sim-service'
import { tempDir } from '../helpers/tmp'

describe('SimService (the Virtual board button)', () => {
  const tmp = tempDir('microforge-sim-')
  const sim = new SimService(tmp.dir)
  afterEach(async () => {
    await sim.stop()
  })
  afterAll(() => tmp.cleanup())

  it('creates a port that prints accelerometer lines, and removes it on stop', async () => {
    const info = await sim.start({ rateHz: 200, classes: ['punch', 'flex'], timestamp: true })
    expect(info.path.startsWith(tmp.dir)).toBe(true)
    expect(existsSync(info.path)).toBe(true)
    const text = await new Promise<string>((resolve, reject) => {
      const s = createReadStream(info.path)
      let got = ''
      s.on('data', (d) => {
        got += d.toString()
        if (got.split('\n').length > 20) {
          s.destroy()
          resolve(got)
        }
      })
      s.on('error', reject)
    })
    const lines = text.split('\n').filter((l) => /^\d/.test(l))
    expect(lines.length).toBeGreaterThan(10)
    expect(lines[1].split(',')).toHaveLength(7)
    expect((await sim.status())?.classes).toEqual(['punch', 'flex'])
    await sim.stop()
    expect(await sim.status()).toBeNull()
    expect(existsSync(info.path)).toBe(false)
  })
})
