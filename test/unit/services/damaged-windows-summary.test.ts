import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CliContext } from '../../../src/cli/command'
import { projectInfo } from '../../../src/cli/commands/project'
import { createMemoryClient } from '../../../src/main/rpc/memory-transport'
import { helloServicesProject, type ServicesProject } from '../../helpers/services-project'

/** The project summary names the window files it cannot read, with the reason, instead of counting them out in silence (issue #16). */
describe('the project summary reports damaged windows', () => {
  let project: ServicesProject
  const reason = 'Window file w3.json is damaged (not valid JSON).'

  beforeEach(async () => {
    // w1 and w2 are readable; w3 was cut off while being written.
    project = await helloServicesProject()
    writeFileSync(join(project.dir, 'samples', 'w3.json'), '{"format": "microforge-sample", "version": 1, "id": "w3", "label": ')
  })
  afterEach(() => project.dispose())

  it('open() lists it with the reason, counts it in no class, and the Capture step says what to do', async () => {
    const summary = await project.services.api.project.open(project.dir)
    expect(summary.damagedWindows).toEqual([{ file: 'samples/w3.json', reason }])
    expect(summary.sampleCount).toBe(2)
    expect(summary.samplesPerClass).toEqual({ sine: 2 })
    expect(summary.steps.find((s) => s.id === 'capture')).toMatchObject({
      state: 'ready',
      detail: '1 window file is damaged: delete it in Capture (or restore from a backup); Train refuses until then.'
    })
  })

  it('a readable project has none', async () => {
    writeFileSync(join(project.dir, 'samples', 'w3.json'), JSON.stringify({ format: 'microforge-sample', version: 1, id: 'w3', label: 'sine', split: 'train', axes: ['aX'], rateHz: 50, values: [[0.5]], source: 'test', createdAt: new Date().toISOString() }))
    const summary = await project.services.api.project.open(project.dir)
    expect(summary.damagedWindows).toEqual([])
    expect(summary.sampleCount).toBe(3)
    expect(summary.steps.find((s) => s.id === 'capture')?.detail).not.toMatch(/damaged/)
  })

  it('`microforge project info` names it', async () => {
    const { client, close } = createMemoryClient(project.services.api, project.services.bus)
    try {
      const ctx: CliContext = { api: client, json: false, progress: () => {}, interrupted: new Promise(() => {}) }
      const text = projectInfo.format!(await projectInfo.run(ctx, [project.dir], {})).split('\n')
      const at = text.findIndex((l) => l.startsWith('  damaged: '))
      expect(text[at]).toBe('  damaged: 1 window file, counted in no class (delete in Capture or restore from a backup; train refuses until then):')
      expect(text[at + 1]).toBe(`    samples/w3.json: ${reason}`)
    } finally {
      close()
    }
  })
})
