import { describe, expect, it } from 'vitest'
import { EventBus } from '../../../src/main/services/event-bus'
import { JobService } from '../../../src/main/services/job-service'
import { draftFromSettings } from '../../../src/renderer/src/stores/train-draft'
import { DEFAULT_TRAIN_OPTIONS } from '../../../src/shared/training'

describe('a job opened in a later window', () => {
  it('lists the settings a running training job was started with, and the Train form takes them', async () => {
    const jobs = new JobService(new EventBus())
    let finish!: () => void
    const settings = { ...DEFAULT_TRAIN_OPTIONS, spec: { preset: 'dense', layers: [{ type: 'dense', units: 8, activation: 'relu' }] }, epochs: 300, learningRate: 0.0005, earlyStoppingPatience: 0 }
    const { jobId } = jobs.start('train', () => new Promise<void>((r) => (finish = r)), '/p', settings)
    const listed = (await jobs.list()).find((j) => j.jobId === jobId)
    expect(listed).toMatchObject({ state: 'running', project: '/p', settings: { epochs: 300 } })
    const draft = draftFromSettings(listed!.settings)
    expect(draft).toMatchObject({ epochs: 300, learningRate: 0.0005, earlyStopping: false, spec: { preset: 'dense' } })
    expect(draft!.epochs).not.toBe(DEFAULT_TRAIN_OPTIONS.epochs)
    finish()
    await jobs.wait(jobId)
  })

  it('ignores settings that are not a training request', () => {
    expect(draftFromSettings(undefined)).toBeNull()
    expect(draftFromSettings({ variants: ['ptq'] })).toBeNull()
  })
})
