/** Issue #17: a call the server never answers fails with a clear error instead of hanging the view. */
import { describe, expect, it } from 'vitest'
import { callTimeoutMs, MessageClientTransport, type ClientMessage } from '../../../src/shared/rpc'

describe('per-call timeout in the RPC client', () => {
  it('rejects an unanswered call with TIMEOUT naming the method, and ignores a late reply', async () => {
    const sent: ClientMessage[] = []
    const t = new MessageClientTransport((m) => sent.push(m), (method) => (method === 'system.info' ? 50 : 5000))
    const slow = t.request('system.info', [])
    const answered = t.request('project.recent', [])
    const err = await slow.catch((e: unknown) => e as { code?: string; message?: string; hint?: string })
    expect(err).toMatchObject({ code: 'TIMEOUT', message: 'Microforge did not answer system.info within 50 ms.', hint: expect.stringMatching(/restart/) })
    // The reply that comes too late changes nothing; the other call is still answered.
    t.receive({ type: 'response', id: 1, ok: true, result: 'late' })
    t.receive({ type: 'response', id: 2, ok: true, result: [] })
    await expect(answered).resolves.toEqual([])
    expect(sent).toHaveLength(2)
  })

  it('gives calls that work before answering longer than the rest', () => {
    expect(callTimeoutMs('system.info')).toBe(120_000)
    expect(callTimeoutMs('dataset.import')).toBe(900_000)
    expect(callTimeoutMs('deploy.generate')).toBe(900_000)
  })
})
