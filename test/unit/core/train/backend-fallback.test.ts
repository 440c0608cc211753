import { describe, expect, it } from 'vitest'
import { chooseTrainingBackend } from '../../../../src/main/core/train/backend'

describe('training backend choice', () => {
  it('a wasm backend that cannot load is a visible fallback with its reason, not a silent cpu', async () => {
    const choice = await chooseTrainingBackend('auto', '/nonexistent/microforge-wasm/')
    expect(choice.backend).toBe('cpu')
    expect(choice.fallback).toMatch(/wasm training backend did not load \(.+\)/)
    expect(choice.fallback).toMatch(/cpu/)
  })
})
