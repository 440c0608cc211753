import { promises as fs } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import type { ModelApi, ModelFile, ModelInspection } from '../../shared/contract/model'
import { MicroforgeError } from '../../shared/errors'
import { inspectTflite } from '../core/tflite/inspect'

/** Largest .tflite we read for inspection: far above anything a microcontroller can hold. */
const MAX_MODEL_BYTES = 64 * 1024 * 1024

export class ModelService implements ModelApi {
  async inspect(path: string): Promise<ModelInspection> {
    const abs = resolve(path)
    let stat
    try {
      stat = await fs.stat(abs)
    } catch {
      throw new MicroforgeError('NOT_FOUND', `No model file at ${abs}.`, 'Check the path, or pick a variant from the list.')
    }
    if (!stat.isFile()) throw new MicroforgeError('INVALID_ARGUMENT', `${abs} is a folder, not a .tflite file.`, 'Pick the .tflite file inside it.')
    if (stat.size > MAX_MODEL_BYTES) {
      throw new MicroforgeError('MODEL_ERROR', `${abs} is ${(stat.size / 1024 / 1024).toFixed(0)} MB: too large to be a microcontroller model.`, 'Pick the .tflite exported for your board.')
    }
    const bytes = new Uint8Array(await fs.readFile(abs))
    return { path: abs, ...inspectTflite(bytes) }
  }

  async list(projectDir: string): Promise<ModelFile[]> {
    const root = resolve(projectDir)
    const out: ModelFile[] = []
    const walk = async (dir: string, depth: number): Promise<void> => {
      let entries
      try {
        entries = await fs.readdir(dir, { withFileTypes: true })
      } catch {
        return
      }
      for (const e of entries) {
        if (e.name.startsWith('.')) continue
        const p = join(dir, e.name)
        if (e.isDirectory() && depth < 3) await walk(p, depth + 1)
        else if (e.isFile() && e.name.endsWith('.tflite')) {
          const st = await fs.stat(p)
          out.push({ relPath: relative(root, p), path: p, bytes: st.size, modifiedAt: st.mtime.toISOString() })
        }
      }
    }
    await walk(join(root, 'models'), 0)
    return out.sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt))
  }
}
