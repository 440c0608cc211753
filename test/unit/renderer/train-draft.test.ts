import { describe, expect, it } from 'vitest'
import { draftFromSettings, keepEdits, needsDefaultModel, settingsOverDraft, type TrainDraft } from '../../../src/renderer/src/stores/train-draft'
import { DEFAULT_TRAIN_OPTIONS } from '../../../src/shared/training'

const form = draftFromSettings({ ...DEFAULT_TRAIN_OPTIONS, spec: { preset: 'cnn1d', layers: [{ type: 'flatten' }] } }) as TrainDraft

describe("the project's saved training settings over the Train form", () => {
  it('takes what the settings name and keeps the rest of the form', () => {
    const d = settingsOverDraft(form, { epochs: 33, earlyStoppingPatience: 0, preprocessing: { method: 'zscore' } })
    expect(d).toEqual({ ...form, epochs: 33, earlyStopping: false, method: 'zscore' })
  })

  it('a patience turns early stopping on with it, and a saved model replaces the form model', () => {
    const spec = { preset: 'dense' as const, layers: [{ type: 'dense' as const, units: 8, activation: 'relu' as const }] }
    const d = settingsOverDraft({ ...form, earlyStopping: false }, { earlyStoppingPatience: 7, spec, seed: 0 })
    expect(d).toEqual({ ...form, earlyStopping: true, earlyStoppingPatience: 7, spec, seed: 0 })
  })
})

describe('the form after a read that was on its way while the user edited it', () => {
  it("keeps the fields the user changed and takes the read's for the rest", () => {
    const next = { ...form, epochs: 60, learningRate: 0.01, spec: { preset: 'dense' as const, layers: [] } }
    const d = keepEdits(form, { ...form, epochs: 77, seed: 9 }, next)
    expect(d).toEqual({ ...next, epochs: 77, seed: 9 })
  })

  it('changes nothing when the user changed nothing', () => {
    const next = { ...form, epochs: 60 }
    expect(keepEdits(form, { ...form }, next)).toEqual(next)
  })
})

describe('the default model once the presets arrive', () => {
  const empty = { ...form, spec: { preset: 'cnn1d' as const, layers: [] } }

  it('is taken when nothing names a model, even with a draft left before the presets replied (no layers)', () => {
    expect(needsDefaultModel(null, undefined)).toBe(true)
    expect(needsDefaultModel(empty, undefined)).toBe(true)
    expect(needsDefaultModel(empty, { epochs: 12 })).toBe(true)
  })

  it("is not taken over a draft's model or the project's saved one", () => {
    expect(needsDefaultModel(form, undefined)).toBe(false)
    expect(needsDefaultModel(null, { spec: form.spec })).toBe(false)
    expect(needsDefaultModel(empty, { spec: form.spec })).toBe(false)
  })
})
