import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../helpers/tmp'
import { tflmSdkDir } from '../helpers/tflm-sdk'

describe('TensorFlow Lite Micro SDK', () => {
  it('runs the converter-made hello_world model through its oracle harness', () => {
    const model = path.join(repoRoot, 'test', 'fixtures', 'models', 'hello_world_int8.tflite')
    const out = execFileSync(path.join(tflmSdkDir(), 'bin', 'run_tflite'), [model], { encoding: 'utf8' })
    expect(out).toMatch(/arena_used_bytes: \d+/)
    expect(out).toContain('op[0]: FULLY_CONNECTED')
  })
})
